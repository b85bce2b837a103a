import type { FinishInfo, RequestTracker } from './tracker.js';

/**
 * How a timed stream ends, in one place for `timeStream` and the engine-source stream timers
 * (`@inferlens/engine-source`'s `StreamTimer`): a stream is a success only when it said it was
 * done (a finish reason, or an end marker such as `[DONE]` or TGI's final event); one that just
 * stops is cut off and fails as `incomplete_stream`, with no e2e or time per output token
 * (issue #11). A success without a finish reason is `unknown`, never `stop`. An `AbortError`
 * (fetch) or the `openai` client's `APIUserAbortError` is the caller cancelling: an abort.
 *
 * @example
 * const outcome = new StreamOutcome(tracker);
 * outcome.note({ finishReason: 'length' }); // from a chunk
 * outcome.end(); // finished as `length`
 */
export class StreamOutcome {
  readonly tracker: RequestTracker;
  #finishReason: string | undefined;
  #promptTokens: number | undefined;
  #generationTokens: number | undefined;
  #cachedTokens: number | undefined;
  #done = false;

  constructor(tracker: RequestTracker) {
    this.tracker = tracker;
  }

  /** True once the stream said it was done. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Takes the finish details one chunk carries. Fields given override earlier ones, fields left
   * undefined keep them (usage often comes in a chunk after the finish reason). A finish reason
   * means the stream said it is done; usage alone does not (vLLM can send usage on every chunk).
   * Anything but an object, and fields of the wrong type, are ignored; getters that throw too.
   */
  note(finish: FinishInfo | undefined | null): void {
    if (finish === null || typeof finish !== 'object') return;
    try {
      const { finishReason, promptTokens, generationTokens, cachedTokens } = finish;
      if (typeof finishReason === 'string' && finishReason !== '') {
        this.#finishReason = finishReason;
        this.#done = true;
      }
      if (typeof promptTokens === 'number') this.#promptTokens = promptTokens;
      if (typeof generationTokens === 'number') this.#generationTokens = generationTokens;
      if (typeof cachedTokens === 'number') this.#cachedTokens = cachedTokens;
    } catch {
      // A chunk's finish details are the app's extractor's business; a bad one is skipped.
    }
  }

  /** The stream sent its end marker (`[DONE]`, a final event) with or without a finish reason. */
  markDone(): void {
    this.#done = true;
  }

  /** The source ended normally: finished when it said it was done, else failed as cut off. */
  end(): void {
    const t = this.tracker;
    if (t.ended) return;
    if (!this.#done) return t.fail('incomplete_stream', undefined, this.#usage());
    t.finish({
      finishReason: this.#finishReason ?? 'unknown',
      promptTokens: this.#promptTokens,
      generationTokens: this.#generationTokens,
      cachedTokens: this.#cachedTokens,
    });
  }

  /** The source failed: an abort when the caller cancelled, else a failure of `errorType`. */
  fail(error: unknown, errorType: string): void {
    const t = this.tracker;
    if (t.ended) return;
    if (isAbort(error)) t.abort(undefined, this.#usage());
    else t.fail(errorType, undefined, this.#usage());
  }

  /** The consumer went away before the end. */
  abort(): void {
    if (!this.tracker.ended) this.tracker.abort(undefined, this.#usage());
  }

  /** Prompt tokens the stream reported, so a failed or aborted stream still counts them. */
  #usage(): { promptTokens?: number; cachedTokens?: number } | undefined {
    if (this.#promptTokens === undefined && this.#cachedTokens === undefined) return undefined;
    return { promptTokens: this.#promptTokens, cachedTokens: this.#cachedTokens };
  }
}

function isAbort(error: unknown): boolean {
  try {
    const name = (error as { name?: unknown } | null)?.name;
    return name === 'AbortError' || name === 'APIUserAbortError';
  } catch {
    return false;
  }
}
