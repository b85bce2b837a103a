import type { FinishInfo, RequestTracker } from './tracker.js';

export interface TimeStreamOptions<T> {
  /** Tokens a chunk carries (default 1). Chunks with 0 (a role-only delta, a keep-alive) time nothing. */
  tokens?: (chunk: T) => number;
  /** Finish details a chunk carries (finish reason, usage); later chunks override earlier ones. */
  finish?: (chunk: T) => FinishInfo | undefined;
  /** Low-cardinality error type for a stream that throws (default `stream_error`). */
  errorType?: (error: unknown) => string;
}

/**
 * Times any async iterable of chunks and yields the chunks unchanged: TTFT at the first chunk that
 * carries tokens, ITL between such chunks, TPOT and e2e at the end. A consumer that stops early
 * records an abort; a source that throws records a failure and the error is rethrown. The
 * extractor functions may throw; that chunk then counts 0 tokens, and the stream goes on.
 *
 * @example
 * const r = lens.request({ model: 'llama-3-8b' });
 * for await (const chunk of timeStream(r, completion, {
 *   tokens: (c) => (c.choices[0]?.delta?.content ? 1 : 0),
 *   finish: (c) => c.usage && { promptTokens: c.usage.prompt_tokens, generationTokens: c.usage.completion_tokens },
 * })) res.write(chunk);
 */
export async function* timeStream<T>(
  tracker: RequestTracker,
  source: AsyncIterable<T>,
  options: TimeStreamOptions<T> = {},
): AsyncGenerator<T, void, undefined> {
  const tokensOf = options.tokens;
  const finishOf = options.finish;
  const info: FinishInfo = {};
  let failed = false;
  try {
    for await (const chunk of source) {
      let n = 1;
      if (tokensOf !== undefined) {
        try {
          n = tokensOf(chunk);
        } catch {
          n = 0;
        }
      }
      if (typeof n === 'number' && n > 0) tracker.tokens(n);
      if (finishOf !== undefined) {
        try {
          const f = finishOf(chunk);
          if (f) Object.assign(info, f);
        } catch {
          // An extractor bug must not break the user's stream.
        }
      }
      yield chunk;
    }
    tracker.finish(info);
  } catch (error) {
    failed = true;
    let type = 'stream_error';
    try {
      if (options.errorType) type = options.errorType(error) || type;
    } catch {}
    tracker.fail(type);
    throw error;
  } finally {
    // Reached without finish or fail only when the consumer stopped early (break, return).
    if (!failed && !tracker.ended) tracker.abort();
  }
}
