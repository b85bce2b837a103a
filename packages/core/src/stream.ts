import { StreamOutcome } from './stream-outcome.js';
import type { FinishInfo, RequestTracker } from './tracker.js';

/**
 * How {@link timeStream} reads a chunk: how many outputs it carries, and what it says about the end.
 *
 * @example
 * timeStream(r, stream, { tokens: (c) => (c.choices[0]?.delta?.content ? 1 : 0) });
 */
export interface TimeStreamOptions<T> {
  /**
   * Tokens a chunk carries. Chunks with 0 (a role-only delta, a keep-alive) time nothing. Default:
   * 1 per chunk for chunks of any kind but bytes and text; a byte or text chunk is a network read,
   * not a token, so without this option those only time the first output (TTFT, 0 tokens).
   */
  tokens?: (chunk: T) => number;
  /**
   * Finish details a chunk carries (finish reason, usage); fields given override earlier ones.
   * With this option, a stream that ends before any chunk gave a finish reason was cut off: it
   * fails as `incomplete_stream` instead of finishing. Without it, the end is a finish `unknown`.
   */
  finish?: (chunk: T) => FinishInfo | undefined;
  /** Low-cardinality error type for a stream that throws (default `stream_error`). */
  errorType?: (error: unknown) => string;
}

/**
 * Times any async iterable of chunks and yields the chunks unchanged: TTFT at the first chunk that
 * carries tokens, ITL between such chunks, TPOT and e2e at the end. A stream ends as a success only
 * when a chunk gave a finish reason (see `finish`); the rules are {@link StreamOutcome}'s, which
 * the engine-source stream timers share. A consumer that stops early records an abort; a source
 * that throws records a failure (an `AbortError` an abort) and the error is rethrown. The
 * extractors may throw or return junk; that chunk then counts 0 tokens, and the stream goes on.
 *
 * @example
 * const r = lens.request({ model: 'llama-3-8b' });
 * for await (const chunk of timeStream(r, completion, {
 *   tokens: (c) => (c.choices[0]?.delta?.content ? 1 : 0),
 *   finish: (c) => ({
 *     finishReason: c.choices[0]?.finish_reason ?? undefined,
 *     promptTokens: c.usage?.prompt_tokens,
 *     generationTokens: c.usage?.completion_tokens,
 *   }),
 * })) res.write(chunk);
 */
export async function* timeStream<T>(
  tracker: RequestTracker,
  source: AsyncIterable<T>,
  options: TimeStreamOptions<T> = {},
): AsyncGenerator<T, void, undefined> {
  const tokensOf = options.tokens;
  const finishOf = options.finish;
  const outcome = new StreamOutcome(tracker);
  let first = true;
  let settled = false;
  try {
    for await (const chunk of source) {
      let n: unknown = 1;
      if (tokensOf !== undefined) {
        try {
          n = tokensOf(chunk);
        } catch {
          n = 0;
        }
      } else if (typeof chunk === 'string' || ArrayBuffer.isView(chunk)) {
        // A network read is not a token: only the first non-empty one times the first output.
        n = 0;
        if (first && (chunk as { length: number }).length > 0) {
          first = false;
          tracker.firstToken(0);
        }
      }
      if (typeof n === 'number' && n > 0) tracker.tokens(n);
      if (finishOf !== undefined) {
        try {
          outcome.note(finishOf(chunk));
        } catch {
          // An extractor bug must not break the user's stream.
        }
      }
      yield chunk;
    }
    settled = true;
    if (finishOf === undefined) outcome.markDone();
    outcome.end();
  } catch (error) {
    settled = true;
    let type = 'stream_error';
    try {
      const given = options.errorType?.(error);
      if (typeof given === 'string' && given !== '') type = given;
    } catch {}
    outcome.fail(error, type);
    throw error;
  } finally {
    // Reached unsettled only when the consumer stopped early (break, return).
    if (!settled) outcome.abort();
  }
}
