/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Handler, sendJson, sseEvent } from './fake-http.js';
import type { Generation } from './generation.js';
import { SimulatedEngineError } from './generation.js';

/** How one engine frames its OpenAI-compatible streams. */
export interface OpenAIDialect {
  /** vLLM writes `data: {…}`, TGI `data:{…}`. */
  space: boolean;
  /** vLLM sends a role-only first chunk; TGI puts the role on every delta. */
  roleChunk: boolean;
  /** TGI writes `"usage":null` on every chunk; vLLM leaves unset keys out. */
  usageNull: boolean;
  /** The chunk `id` for a generation (TGI always sends `""`). */
  id(genId: string, chat: boolean): string;
  /** Extra top-level fields (TGI's `system_fingerprint`). */
  extra?: Record<string, unknown>;
  /** The in-stream error event payload. */
  error(message: string): unknown;
}

export interface OpenAIRequest {
  model?: string;
  messages?: { role?: string; content?: unknown }[];
  prompt?: string;
  max_tokens?: number;
  max_completion_tokens?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean; continuous_usage_stats?: boolean };
}

export function promptOf(req: OpenAIRequest): string {
  if (typeof req.prompt === 'string') return req.prompt;
  return (
    (req.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n') ||
    ' '
  );
}

/**
 * Serves one chat or completions request from a generation, streamed or not, in the engine's
 * dialect. The header `x-fake-error-after: N` fails the stream after N content chunks with the
 * engine's error event (an engine failure does the same), so clients can test error handling.
 */
export async function serveOpenAI(
  req: IncomingMessage,
  res: ServerResponse,
  body: OpenAIRequest,
  chat: boolean,
  start: (signal: AbortSignal) => Generation,
  dialect: OpenAIDialect,
): Promise<void> {
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const gen = start(abort.signal);
  const id = dialect.id(gen.id, chat);
  const created = Math.floor(Date.now() / 1000);
  const head = {
    id,
    object: chat ? 'chat.completion.chunk' : 'text_completion',
    created,
    model: body.model,
    ...dialect.extra,
  };
  const failAfter = Number(req.headers['x-fake-error-after'] ?? Number.NaN);
  if (!body.stream) {
    let text = '';
    try {
      for await (const c of gen) text += c.text;
    } catch (error) {
      return sendJson(res, 500, dialect.error(messageOf(error)));
    }
    const r = await gen.done;
    const usage = {
      prompt_tokens: r.usage.promptTokens,
      completion_tokens: r.usage.completionTokens,
      total_tokens: r.usage.totalTokens,
    };
    const choice = chat
      ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: r.finishReason }
      : { index: 0, text, finish_reason: r.finishReason };
    return sendJson(res, 200, {
      ...head,
      object: chat ? 'chat.completion' : 'text_completion',
      choices: [choice],
      usage,
    });
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const continuous = includeUsage && body.stream_options?.continuous_usage_stats === true;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (json: unknown) => res.write(sseEvent(JSON.stringify(json), dialect.space));
  let sent = 0;
  let completion = 0;
  const usageNow = () => ({
    prompt_tokens: gen.promptTokens,
    completion_tokens: completion,
    total_tokens: gen.promptTokens + completion,
  });
  const chunk = (delta: Record<string, unknown>, text: string, finish: string | null) => {
    const choice = chat
      ? { index: 0, delta, logprobs: null, finish_reason: finish }
      : { index: 0, text, logprobs: null, finish_reason: finish };
    const usage = continuous ? { usage: usageNow() } : dialect.usageNull ? { usage: null } : {};
    send({ ...head, choices: [choice], ...usage });
  };
  try {
    for await (const c of gen) {
      if (sent === failAfter) throw new SimulatedEngineError('injected', gen.id);
      completion += c.tokens;
      if (sent === 0 && chat && dialect.roleChunk)
        chunk({ role: 'assistant', content: '' }, '', null);
      const delta = dialect.roleChunk
        ? { content: c.text }
        : { role: 'assistant', content: c.text };
      chunk(delta, c.text, c.finishReason ?? null);
      sent++;
    }
    const r = await gen.done;
    if (r.finishReason === 'abort') return void res.end();
    if (includeUsage) send({ ...head, choices: [], usage: usageNow() });
  } catch (error) {
    gen.abort();
    send(dialect.error(messageOf(error)));
  }
  res.end(sseEvent('[DONE]', dialect.space));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A chat (`chat`) or completions route: parses the JSON body (answering `badJson` with 400 when
 * it does not parse), lets `refuse` answer instead (a wrong model), then serves `start`'s
 * generation in the engine's dialect.
 */
export function openAIRoute(
  chat: boolean,
  dialect: OpenAIDialect,
  badJson: unknown,
  start: (body: OpenAIRequest, signal: AbortSignal) => Generation,
  refuse?: (body: OpenAIRequest, res: ServerResponse) => boolean,
): Handler {
  return async (req, res, raw) => {
    let body: OpenAIRequest;
    try {
      body = JSON.parse(raw) as OpenAIRequest;
    } catch {
      return sendJson(res, 400, badJson);
    }
    if (refuse?.(body, res)) return;
    await serveOpenAI(req, res, body, chat, (signal) => start(body, signal), dialect);
  };
}

/** The max_tokens of a request, as the OpenAI API spells it now or before (default 16). */
export const maxTokensOf = (body: OpenAIRequest): number =>
  body.max_completion_tokens ?? body.max_tokens ?? 16;
