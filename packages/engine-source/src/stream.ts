import { type RequestTracker, StreamOutcome } from '@inferlens/core/internal';
import {
  type ChunkReading,
  errorTypeOf,
  readLlamacppEvent,
  readOpenAIChunk,
  readSglangEvent,
  readTgiEvent,
} from './chunks.js';
import { SseDecoder, type SseEvent } from './sse.js';

/**
 * `openai`: the OpenAI-compatible routes of every engine; `tgi`: TGI's `/generate_stream`;
 * `sglang`: SGLang's native `/generate`; `llamacpp`: llama.cpp server's native `/completion`.
 */
export type StreamProtocol = 'openai' | 'tgi' | 'sglang' | 'llamacpp';

const READERS: Readonly<Record<StreamProtocol, (chunk: unknown) => ChunkReading>> = {
  openai: readOpenAIChunk,
  tgi: readTgiEvent,
  sglang: readSglangEvent,
  llamacpp: readLlamacppEvent,
};

/**
 * How {@link timeSse} and its siblings read a stream: the engine's event shape (`protocol`) and,
 * `openai` by default.
 *
 * @example
 * for await (const e of timeSse(r, res.body!, { protocol: 'tgi' })) console.log(e.data);
 */
export interface StreamTimingOptions {
  protocol?: StreamProtocol;
}

/**
 * The timing state machine behind every stream wrapper: each event that carries content is one
 * output for the tracker (TTFT at the first, ITL between them, as vLLM counts per output); an
 * error event fails the request with its type; the end finishes it with the finish reason and
 * the usage the stream reported. How a stream ends (done or cut off, failed or aborted) is core's
 * `StreamOutcome`, which `timeStream` shares; this timer adds SSE decoding and in-stream error
 * events, recorded without throwing (a proxy forwards them).
 */
export class StreamTimer {
  readonly #read: (chunk: unknown) => ChunkReading;
  readonly #decoder = new SseDecoder();
  readonly #outcome: StreamOutcome;

  constructor(tracker: RequestTracker, options: StreamTimingOptions = {}) {
    this.#outcome = new StreamOutcome(tracker);
    this.#read = READERS[options.protocol ?? 'openai'] ?? readOpenAIChunk;
  }

  get tracker(): RequestTracker {
    return this.#outcome.tracker;
  }

  /** Feeds raw SSE bytes; returns the events they completed. */
  push(bytes: Uint8Array | string): SseEvent[] {
    const events = this.#decoder.push(bytes);
    for (const e of events) this.event(e);
    return events;
  }

  /** Feeds one decoded SSE event. */
  event(e: SseEvent): void {
    if (e.data === '[DONE]') {
      this.#outcome.markDone();
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(e.data);
    } catch {
      return; // not JSON: nothing to time (a proxy still forwards it)
    }
    this.chunk(json);
  }

  /** Feeds one parsed chunk (what the `openai` client yields). */
  chunk(chunk: unknown): void {
    const t = this.tracker;
    if (t.ended) return;
    const r = this.#read(chunk);
    if (r.error !== undefined) return t.fail(r.error);
    if (r.tokens > 0) t.tokens(r.tokens);
    if (r.finish) this.#outcome.note(r.finish);
    // TGI's /generate_stream says why it stopped only with `details: true`: done, reason unknown.
    if (r.final) this.#outcome.markDone();
  }

  /**
   * The stream ended; returns the events still buffered (a last event without its blank line). A
   * stream that never said it was done failed as `incomplete_stream`.
   */
  end(): SseEvent[] {
    const rest = this.#decoder.end();
    for (const e of rest) this.event(e);
    this.#outcome.end();
    return rest;
  }

  /** The transport failed mid-stream (the upstream closed, a network error). */
  fail(error: unknown): void {
    this.#outcome.fail(error, streamErrorType(error));
  }

  /** The consumer went away before the end. */
  abort(): void {
    this.#outcome.abort();
  }
}

/** The error type of a thrown stream error: the API error's type, its status, or `stream_error`. */
export function streamErrorType(error: unknown): string {
  const e = error as { type?: unknown; status?: unknown; error?: { type?: unknown } } | undefined;
  if (typeof e?.type === 'string') return errorTypeOf(e.type);
  if (typeof e?.error?.type === 'string') return errorTypeOf(e.error.type);
  if (typeof e?.status === 'number') return `http_${e.status}`;
  return 'stream_error';
}

type Body = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

async function* chunksOf(body: Body): AsyncGenerator<Uint8Array, void, undefined> {
  if ('getReader' in body) {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
      await body.cancel().catch(() => {});
    }
  } else yield* body;
}

/** Drives a timer over an iteration: errors fail (or abort) it, an early stop aborts it. */
async function* timed<T>(
  timer: StreamTimer,
  source: AsyncIterable<T>,
  feed: (x: T) => void,
): AsyncGenerator<T, void, undefined> {
  let finished = false;
  try {
    for await (const x of source) {
      feed(x);
      yield x;
    }
    finished = true;
    timer.end();
  } catch (error) {
    finished = true;
    timer.fail(error);
    throw error;
  } finally {
    if (!finished) timer.abort();
  }
}

/**
 * Times a stream of parsed chunks, such as the `openai` client's `Stream<ChatCompletionChunk>`,
 * and yields them unchanged.
 *
 * @example
 * const r = lens.request({ model: 'llama-3-8b', engine: 'vllm' });
 * const stream = await client.chat.completions.create({ model, messages, stream: true,
 *   stream_options: { include_usage: true } });
 * for await (const chunk of timeChunks(r, stream)) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
 */
export function timeChunks<T>(
  tracker: RequestTracker,
  chunks: AsyncIterable<T>,
  options: StreamTimingOptions = {},
): AsyncGenerator<T, void, undefined> {
  const timer = new StreamTimer(tracker, options);
  return timed(timer, chunks, (c) => timer.chunk(c));
}

/**
 * Times a raw SSE body (a `fetch` response body) and yields its bytes unchanged: the shape a proxy
 * needs, which forwards every byte, error events included.
 *
 * @example
 * const r = lens.request({ model, engine: 'tgi' });
 * const res = await fetch(`${tgi}/generate_stream`, { method: 'POST', body, headers });
 * for await (const bytes of timeSseBytes(r, res.body!, { protocol: 'tgi' })) client.write(bytes);
 */
export function timeSseBytes(
  tracker: RequestTracker,
  body: Body,
  options: StreamTimingOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const timer = new StreamTimer(tracker, options);
  return timed(timer, chunksOf(body), (b) => void timer.push(b));
}

/**
 * Times a raw SSE body and yields its decoded events (`data` is the event's text; `[DONE]` too).
 *
 * @example
 * const r = lens.request({ model, engine: 'vllm' });
 * const res = await fetch(`${vllm}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ model, messages, stream: true }) });
 * for await (const e of timeSse(r, res.body!)) if (e.data !== '[DONE]') console.log(JSON.parse(e.data));
 */
export async function* timeSse(
  tracker: RequestTracker,
  body: Body,
  options: StreamTimingOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const timer = new StreamTimer(tracker, options);
  const decoder = new SseDecoder();
  const events = async function* (): AsyncGenerator<SseEvent, void, undefined> {
    for await (const bytes of chunksOf(body)) yield* decoder.push(bytes);
    yield* decoder.end();
  };
  yield* timed(timer, events(), (e) => timer.event(e));
}
