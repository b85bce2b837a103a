import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { finishReasonOf } from '@inferlens/node-llama-cpp';
import {
  type ChatHistoryItem,
  LlamaChatSession,
  type LlamaContextSequence,
  type Token,
} from 'node-llama-cpp';
import type { LlamaEngine } from './engine.js';
import {
  ApiError,
  type ChatMessage,
  choiceObject,
  parseChatRequest,
  parseCompletionRequest,
  usage,
} from './openai.js';

const DEFAULT_MAX_TOKENS = 256;

/**
 * `POST /v1/completions` (`text`) or `/v1/chat/completions` (`chat`), whole or streamed as SSE.
 * The request waits for a free sequence in the scheduler's FIFO queue; a client that disconnects
 * aborts its generation (or its place in the queue).
 */
export async function serveGeneration(
  engine: LlamaEngine,
  kind: 'chat' | 'text',
  body: unknown,
  res: ServerResponse,
): Promise<void> {
  const request =
    kind === 'chat'
      ? parseChatRequest(body, DEFAULT_MAX_TOKENS)
      : parseCompletionRequest(body, DEFAULT_MAX_TOKENS);
  if (request.model !== undefined && request.model !== engine.name)
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
  const head = {
    id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: engine.name,
  };
  let text = '';
  let promptTokens = -1;
  let completionTokens = 0;
  if (request.stream)
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
  const options = (sequence: LlamaContextSequence) => ({
    maxTokens: request.maxTokens,
    signal: controller.signal,
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.stop.length > 0 ? { customStopTriggers: request.stop } : {}),
    onToken: (tokens: Token[]) => {
      // The sequence holds the prompt and every token sampled but the last ones handed here.
      if (promptTokens < 0) promptTokens = sequence.nextTokenIndex - tokens.length + 1;
      completionTokens += tokens.length;
    },
    onTextChunk: (chunk: string) => {
      if (request.stream) send(res, choiceObject(kind, true, head, chunk, null));
      else text += chunk;
    },
  });
  let stopReason: string;
  try {
    stopReason = await engine.scheduler.run(
      async (slot) => {
        const o = options(slot.sequence);
        const reason =
          'prompt' in request
            ? (await slot.completion.generateCompletionWithMeta(request.prompt, o)).metadata
                .stopReason
            : await chat(slot.sequence, request.messages, o);
        if (promptTokens < 0) promptTokens = slot.sequence.nextTokenIndex;
        return reason;
      },
      { signal: controller.signal },
    );
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    return void res.destroy();
  }
  const finish = finishReasonOf(stopReason);
  const u = usage(promptTokens, completionTokens);
  if (!request.stream) return sendJson(res, 200, choiceObject(kind, false, head, text, finish, u));
  send(res, choiceObject(kind, true, head, '', finish));
  if (request.includeUsage) send(res, choiceObject(kind, true, head, undefined, null, u));
  res.end('data: [DONE]\n\n');
}

/** One chat turn on the sequence: the messages before the last become the session's history. */
async function chat(
  sequence: LlamaContextSequence,
  messages: ChatMessage[],
  options: Parameters<LlamaChatSession['promptWithMeta']>[1],
): Promise<string> {
  const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false });
  try {
    const history: ChatHistoryItem[] = messages
      .slice(0, -1)
      .map((m) =>
        m.role === 'system'
          ? { type: 'system', text: m.content }
          : m.role === 'user'
            ? { type: 'user', text: m.content }
            : { type: 'model', response: [m.content] },
      );
    session.setChatHistory(history);
    const last = messages.at(-1) as ChatMessage;
    return (await session.promptWithMeta(last.content, options)).stopReason;
  } finally {
    session.dispose({ disposeSequence: false });
  }
}

function send(res: ServerResponse, data: object): void {
  if (!res.destroyed) res.write(`data: ${JSON.stringify(data)}\n\n`);
}

export function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
