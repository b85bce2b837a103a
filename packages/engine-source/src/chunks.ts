import type { FinishInfo } from '@inferlens/core';

/** What one stream event means for timing. */
export interface ChunkReading {
  /** Outputs carrying content in this event (0 for a role-only delta or a usage chunk). */
  tokens: number;
  finish: FinishInfo | undefined;
  /** Low-cardinality error type when the event is an error event. */
  error: string | undefined;
  /** True on the event that ends a generation (a finish reason, TGI's final event). */
  final: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null;

/** TGI says `eos_token` and `stop_sequence` where OpenAI and vLLM say `stop` (TGI lib.rs:1412,1433). */
export function mapFinishReason(reason: string): string {
  return reason === 'eos_token' || reason === 'stop_sequence' ? 'stop' : reason;
}

/** `BadRequestError` → `bad_request_error`: error types become short label values. */
export function errorTypeOf(raw: unknown, fallback = 'stream_error'): string {
  if (typeof raw !== 'string' || raw === '') return fallback;
  const snake = raw
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48);
  return snake || fallback;
}

/** The error type of an in-stream error payload, in any of the shapes vLLM and TGI send. */
function errorOf(chunk: Json): string | undefined {
  const e = chunk.error;
  if (typeof e === 'string') return errorTypeOf(chunk.error_type, 'generation'); // TGI /generate_stream
  if (isObject(e)) {
    if (typeof e.type === 'string') return errorTypeOf(e.type); // vLLM / OpenAI
    const code = e.http_status_code ?? e.code; // TGI chat: {"message", "http_status_code": 422}
    return typeof code === 'number' ? `http_${code}` : 'stream_error';
  }
  if (chunk.object === 'error') return errorTypeOf(chunk.type); // vLLM's bare ErrorResponse
  return undefined;
}

const nonEmpty = (v: unknown): boolean =>
  (typeof v === 'string' && v !== '') || (Array.isArray(v) && v.length > 0);

/**
 * Reads an OpenAI-compatible chunk (chat or completions, from vLLM, TGI or the `openai` client).
 * A choice carries content when its delta has non-empty `content`, `reasoning_content`/`reasoning`
 * or `tool_calls`, or a completion has non-empty `text`; the first chunk's role-only delta
 * (`{"role":"assistant","content":""}`) carries none, so it never sets TTFT.
 *
 * @example
 * readOpenAIChunk({ choices: [{ delta: { content: 'Hi' }, finish_reason: null }] }).tokens; // 1
 */
export function readOpenAIChunk(chunk: unknown): ChunkReading {
  const r: ChunkReading = { tokens: 0, finish: undefined, error: undefined, final: false };
  if (!isObject(chunk)) return r;
  r.error = errorOf(chunk);
  if (r.error) return r;
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  for (const c of choices) {
    if (!isObject(c)) continue;
    const d = isObject(c.delta) ? c.delta : undefined;
    if (
      nonEmpty(c.text) ||
      (d &&
        (nonEmpty(d.content) ||
          nonEmpty(d.reasoning_content) ||
          nonEmpty(d.reasoning) ||
          nonEmpty(d.tool_calls)))
    )
      r.tokens++;
    if (typeof c.finish_reason === 'string') {
      r.finish = { ...r.finish, finishReason: mapFinishReason(c.finish_reason) };
      r.final = true;
    }
  }
  const u = chunk.usage;
  if (isObject(u)) {
    const f: FinishInfo = { ...r.finish };
    if (typeof u.prompt_tokens === 'number') f.promptTokens = u.prompt_tokens;
    if (typeof u.completion_tokens === 'number') f.generationTokens = u.completion_tokens;
    const details = u.prompt_tokens_details;
    if (isObject(details) && typeof details.cached_tokens === 'number')
      f.cachedTokens = details.cached_tokens;
    r.finish = f;
  }
  return r;
}

/**
 * Reads a TGI `/generate_stream` event: every event carries one token; the last one carries
 * `generated_text` and, with `details: true`, the finish reason and token counts.
 */
export function readTgiEvent(event: unknown): ChunkReading {
  const r: ChunkReading = { tokens: 0, finish: undefined, error: undefined, final: false };
  if (!isObject(event)) return r;
  r.error = errorOf(event);
  if (r.error) return r;
  if (isObject(event.token)) r.tokens = 1;
  const d = event.details;
  if (isObject(d)) {
    const f: FinishInfo = {};
    if (typeof d.finish_reason === 'string') f.finishReason = mapFinishReason(d.finish_reason);
    if (typeof d.generated_tokens === 'number') f.generationTokens = d.generated_tokens;
    if (typeof d.input_length === 'number') f.promptTokens = d.input_length;
    r.finish = f;
  }
  r.final = typeof event.generated_text === 'string' || isObject(d);
  return r;
}

/** SGLang's `finish_reason.type` and llama.cpp's `stop_type` in the standard words. */
const FINISH_WORDS: Readonly<Record<string, string>> = {
  stop: 'stop',
  eos: 'stop',
  word: 'stop',
  length: 'length',
  limit: 'length',
  abort: 'abort',
};

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * Reads an SGLang native `/generate` stream event (`{"text", "output_ids", "meta_info"}`, then
 * `[DONE]`): each event is one output; `meta_info.finish_reason` (`{"type": "stop" | "length" |
 * "abort"}`) ends the generation, with `prompt_tokens`, `completion_tokens` and `cached_tokens`.
 */
export function readSglangEvent(event: unknown): ChunkReading {
  const r: ChunkReading = { tokens: 0, finish: undefined, error: undefined, final: false };
  if (!isObject(event)) return r;
  r.error = errorOf(event);
  if (r.error) return r;
  if (nonEmpty(event.text) || nonEmpty(event.output_ids)) r.tokens = 1;
  const meta = isObject(event.meta_info) ? event.meta_info : undefined;
  const reason = meta && isObject(meta.finish_reason) ? meta.finish_reason.type : undefined;
  if (typeof reason === 'string') {
    r.final = true;
    r.finish = {
      finishReason: FINISH_WORDS[reason] ?? reason,
      promptTokens: num(meta?.prompt_tokens),
      generationTokens: num(meta?.completion_tokens),
      cachedTokens: num(meta?.cached_tokens),
    };
  }
  return r;
}

/**
 * Reads a llama.cpp server native `/completion` stream event (`{"content", "stop": false}` per
 * output; the last has `"stop": true`, `stop_type` `eos` / `word` / `limit` (older builds:
 * `stopped_eos`, `stopped_word`, `stopped_limit`), `tokens_predicted`, `tokens_evaluated` and
 * `tokens_cached`). There is no `[DONE]`: the `stop` event ends the generation.
 */
export function readLlamacppEvent(event: unknown): ChunkReading {
  const r: ChunkReading = { tokens: 0, finish: undefined, error: undefined, final: false };
  if (!isObject(event)) return r;
  r.error = errorOf(event);
  if (r.error) return r;
  if (nonEmpty(event.content)) r.tokens = 1;
  if (event.stop !== true) return r;
  r.final = true;
  const type =
    typeof event.stop_type === 'string'
      ? event.stop_type
      : event.stopped_limit
        ? 'limit'
        : event.stopped_eos || event.stopped_word
          ? 'eos'
          : undefined;
  r.finish = {
    finishReason: type === undefined || type === 'none' ? 'unknown' : (FINISH_WORDS[type] ?? type),
    promptTokens: num(event.tokens_evaluated),
    generationTokens: num(event.tokens_predicted),
    cachedTokens: num(event.tokens_cached),
  };
  return r;
}
