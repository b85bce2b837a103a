import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type Generation, type SimulatedEngine, SimulatedEngineError } from '@inferlens/testkit';
import {
  ApiError,
  type ChatRequest,
  chunk,
  completion,
  parseChatRequest,
  type ResponseHead,
  renderPrompt,
  usageInfo,
} from './openai.js';

const DEFAULT_MAX_TOKENS = 256;

/**
 * `POST /v1/chat/completions`, OpenAI-compatible and streamed as vLLM streams it. A client that
 * disconnects aborts its generation, so the engine frees its KV blocks and the abort is counted.
 */
export async function chatCompletions(
  engine: SimulatedEngine,
  body: unknown,
  res: ServerResponse,
): Promise<void> {
  const request = parseChatRequest(body, DEFAULT_MAX_TOKENS);
  if (request.model !== undefined && request.model !== engine.model)
    throw new ApiError(
      404,
      'NotFoundError',
      `The model \`${request.model}\` does not exist.`,
      'model',
    );
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  let gen: Generation;
  try {
    gen = engine.generate({
      prompt: renderPrompt(request.messages),
      maxTokens: request.maxTokens,
      ignoreEos: request.ignoreEos,
      signal: controller.signal,
    });
  } catch (error) {
    // The prompt plus max_tokens exceed what the KV cache can hold: vLLM's 400.
    if (error instanceof RangeError)
      throw new ApiError(400, 'BadRequestError', error.message, 'max_tokens');
    throw error;
  }
  const head = {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: engine.model,
  };
  if (request.stream) await stream(gen, head, request, res);
  else await whole(gen, head, res);
}

async function whole(gen: Generation, head: ResponseHead, res: ServerResponse): Promise<void> {
  let text = '';
  try {
    for await (const c of gen) text += c.text;
  } catch (error) {
    const type = error instanceof SimulatedEngineError ? error.type : 'internal_error';
    throw new ApiError(500, 'InternalServerError', `generation failed: ${type}`);
  }
  const result = await gen.done;
  if (result.finishReason === 'abort' && res.destroyed) return;
  const usage = usageInfo(result.usage.promptTokens, result.usage.completionTokens);
  sendJson(res, 200, completion(head, text, result.finishReason, usage));
}

async function stream(
  gen: Generation,
  head: ResponseHead,
  request: ChatRequest,
  res: ServerResponse,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  const usage = (n: number) =>
    request.continuousUsage ? usageInfo(gen.promptTokens, n) : undefined;
  let sent = 0;
  try {
    for await (const c of gen) {
      // vLLM sends the role with empty content once the first output exists, then the deltas.
      if (sent === 0)
        await send(res, chunk(head, { role: 'assistant', content: '' }, null, usage(0)));
      sent += c.tokens;
      await send(res, chunk(head, { content: c.text }, c.finishReason ?? null, usage(sent)));
    }
  } catch (error) {
    const type = error instanceof SimulatedEngineError ? error.type : 'internal_error';
    await send(
      res,
      new ApiError(500, 'InternalServerError', `generation failed: ${type}`).toJSON(),
    );
    return void res.end('data: [DONE]\n\n');
  }
  const result = await gen.done;
  if (res.destroyed) return;
  // Ended without a finish chunk: the engine shut down under it.
  if (result.finishReason === 'abort')
    await send(res, chunk(head, { content: '' }, 'abort', usage(sent)));
  if (request.includeUsage)
    await send(
      res,
      chunk(
        head,
        undefined,
        null,
        usageInfo(result.usage.promptTokens, result.usage.completionTokens),
      ),
    );
  res.end('data: [DONE]\n\n');
}

/** Writes one SSE event, waiting for the socket to drain when its buffer is full. */
async function send(res: ServerResponse, data: object): Promise<void> {
  if (res.destroyed || res.write(`data: ${JSON.stringify(data)}\n\n`)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
