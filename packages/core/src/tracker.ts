import type { ModelHandles } from './handles.js';
import type { CounterSeries } from './series.js';

/**
 * Why an event or tracker call was skipped: the `reason` values of `inferlens_events_dropped_total`,
 * in the order the lens creates their series. The one list; the type is read from it.
 */
export const DROP_REASONS = [
  'unknown_id',
  'duplicate',
  'out_of_order',
  'after_end',
  'invalid_event',
  'invalid_value',
  'expired',
  'stopped',
  'listener_error',
  'label_too_long',
  'scrape_too_large',
] as const;

/** One of {@link DROP_REASONS}. */
export type DropReason = (typeof DROP_REASONS)[number];

/** What a tracker needs from its lens: a clock, the set of live requests, the drop counters. */
export interface TrackerContext {
  /** Milliseconds on a monotonic clock (`performance.now()` by default); updates `seen`. */
  now(): number;
  /**
   * The latest clock reading anyone made. Activity is stamped with it rather than with
   * engine-supplied times, so a bad engine timestamp can never keep a request from expiring,
   * and stamping costs no clock read. The expiry sweep reads the clock, so it is at most one
   * sweep interval old.
   */
  readonly seen: number;
  readonly active: Set<RequestTracker>;
  drop(reason: DropReason): void;
}

/**
 * How a request ended, as far as the engine says: finish reason and token counts.
 *
 * @example
 * lens.request({ model: 'llama-3-8b' }).finish({ finishReason: 'length', promptTokens: 812, cachedTokens: 512 });
 */
export interface FinishInfo {
  /** `stop`, `length`, `abort`, … (default `stop`). */
  finishReason?: string;
  promptTokens?: number;
  /** Tokens the engine says it generated; when larger than the tokens seen, the rest is counted. */
  generationTokens?: number;
  /** Prompt tokens served from the prefix cache. */
  cachedTokens?: number;
}

/** The prompt tokens an aborted or failed request had already used (processed plus cached). */
export type PromptUsage = Pick<FinishInfo, 'promptTokens' | 'cachedTokens'>;

/** Engine timestamps further than this from the lens clock are rejected. */
export const MAX_SKEW_MS = 3_600_000;

enum Phase {
  Created = 0,
  Waiting = 1,
  Prefill = 2,
  Decode = 3,
  Ended = 4,
}

/**
 * The life of one request, from arrival to its end. Each call records what it can right away (queue
 * time at scheduling, TTFT at the first token, ITL at every output) so dashboards move while long
 * generations run; the rest is recorded when the request ends. Calls after the end, and calls
 * with bad numbers, are counted in `inferlens_events_dropped_total` and ignored: nothing throws.
 *
 * Every method takes an optional timestamp in the lens clock's milliseconds, so an engine that
 * steps a whole batch can read the clock once per step instead of once per request.
 *
 * @example
 * const r = lens.request({ model: 'llama-3-8b' });
 * r.queued();
 * r.started();
 * for await (const chunk of generate()) r.tokens(chunk.tokenCount);
 * r.finish({ finishReason: 'stop', promptTokens: 812 });
 */
export class RequestTracker {
  readonly #ctx: TrackerContext;
  readonly #h: ModelHandles;
  #phase: Phase = Phase.Created;
  #scheduledOnce = false;
  #arrival: number;
  #queuedAt: number;
  #scheduledAt = 0;
  #firstAt = 0;
  #lastAt = 0;
  #generated = 0;
  /** Last time anything happened, for expiry. */
  lastActivity: number;
  /** Called once when the request ends for any reason (used by `instrument()` to forget its id). */
  onEnd: ((tracker: RequestTracker) => void) | undefined;

  /** The trace id for exemplars; undefined unless the lens records them. */
  readonly #traceId: string | undefined;

  constructor(ctx: TrackerContext, handles: ModelHandles, arrival: number, traceId?: string) {
    this.#ctx = ctx;
    this.#h = handles;
    this.#traceId = traceId;
    this.#arrival = arrival;
    this.#queuedAt = arrival;
    this.lastActivity = ctx.seen;
    ctx.active.add(this);
  }

  get model(): string {
    return this.#h.model;
  }

  /** True once finished, failed, aborted or expired. */
  get ended(): boolean {
    return this.#phase === Phase.Ended;
  }

  /** Tokens generated so far. */
  get generatedTokens(): number {
    return this.#generated;
  }

  /** The request entered the engine's waiting queue. */
  queued(time?: number): void {
    const t = this.#time(time);
    if (this.#phase !== Phase.Created) return this.#skip('out_of_order');
    this.#phase = Phase.Waiting;
    this.#queuedAt = t;
    this.#h.requestsWaiting.value++;
    this.lastActivity = this.#ctx.seen;
  }

  /** The scheduler took the request into the running batch (again, after a preemption). */
  started(time?: number): void {
    const t = this.#time(time);
    const phase = this.#phase;
    if (phase === Phase.Ended) return this.#skip('after_end');
    if (phase === Phase.Prefill || phase === Phase.Decode) return this.#skip('out_of_order');
    this.#schedule(t);
    this.lastActivity = this.#ctx.seen;
  }

  /** The scheduler sent a running request back to the queue, usually for lack of KV cache. */
  preempted(time?: number): void {
    this.#time(time);
    const phase = this.#phase;
    if (phase === Phase.Ended) return this.#skip('after_end');
    if (phase !== Phase.Prefill && phase !== Phase.Decode) return this.#skip('out_of_order');
    this.#h.requestsRunning.value--;
    this.#h.requestsWaiting.value++;
    this.#h.preemptions.value++;
    // Rescheduling resumes prefill or decode depending on whether a token was seen (#firstAt).
    this.#phase = Phase.Waiting;
    this.lastActivity = this.#ctx.seen;
  }

  /** The first output, carrying `count` tokens (default 1). Records TTFT and prefill time. */
  firstToken(count = 1, time?: number): void {
    const t = this.#time(time);
    if (this.#phase === Phase.Ended) return this.#skip('after_end');
    if (this.#firstAt !== 0) return this.tokens(count, t);
    if (!validTokens(count)) return this.#skip('invalid_value');
    if (this.#phase !== Phase.Prefill && this.#phase !== Phase.Decode) this.#schedule(t);
    const h = this.#h;
    this.#phase = Phase.Decode;
    this.#firstAt = t;
    this.#lastAt = t;
    // Exemplars go on TTFT and e2e only: once per request, never on the per-token path.
    if (this.#traceId === undefined) h.timeToFirstToken.observe((t - this.#arrival) / 1000);
    else h.timeToFirstToken.observeWithExemplar((t - this.#arrival) / 1000, this.#traceId);
    h.requestPrefillTime.observe((t - this.#scheduledAt) / 1000);
    this.#generated += count;
    h.generationTokens.value += count;
    this.lastActivity = this.#ctx.seen;
  }

  /**
   * One engine output carrying `count` tokens (default 1). The first output is the first token;
   * every later one records an inter-token latency sample, as vLLM counts ITL per output.
   */
  tokens(count = 1, time?: number): void {
    if (this.#firstAt === 0) return this.firstToken(count, time);
    const t = this.#time(time);
    if (this.#phase === Phase.Ended) return this.#skip('after_end');
    if (!validTokens(count)) return this.#skip('invalid_value');
    const h = this.#h;
    h.interTokenLatency.observe((t - this.#lastAt) / 1000);
    this.#lastAt = t;
    this.lastActivity = this.#ctx.seen;
    this.#generated += count;
    h.generationTokens.value += count;
  }

  /**
   * The request completed. Records e2e, decode, inference and TPOT, tokens, and the finish reason.
   * `info` is read once; fields of the wrong type (and an `info` that is not an object, or whose
   * getters throw) are counted as invalid and left out, never thrown.
   */
  finish(info?: FinishInfo, time?: number): void {
    const t = this.#time(time);
    if (this.#phase === Phase.Ended) return this.#skip('after_end');
    let finishReason: unknown;
    let generationTokens: unknown;
    let promptTokens: unknown;
    let cachedTokens: unknown;
    if (info !== undefined) {
      try {
        finishReason = info.finishReason;
        generationTokens = info.generationTokens;
        promptTokens = info.promptTokens;
        cachedTokens = info.cachedTokens;
      } catch {
        this.#ctx.drop('invalid_event');
      }
    }
    this.#end();
    const h = this.#h;
    let reason = 'stop';
    if (typeof finishReason === 'string' && finishReason !== '') reason = finishReason;
    else if (finishReason !== undefined) this.#ctx.drop('invalid_value');
    h.finished(reason).value++;
    const e2e = (t - this.#arrival) / 1000;
    if (this.#traceId === undefined) h.e2eRequestLatency.observe(e2e);
    else h.e2eRequestLatency.observeWithExemplar(e2e, this.#traceId);
    const generated = this.#count(generationTokens) ?? this.#generated;
    if (generated > this.#generated) h.generationTokens.value += generated - this.#generated;
    if (this.#firstAt !== 0) {
      h.requestDecodeTime.observe((this.#lastAt - this.#firstAt) / 1000);
      h.requestInferenceTime.observe((this.#lastAt - this.#scheduledAt) / 1000);
      if (generated > 1) h.timePerOutputToken.observe((t - this.#firstAt) / 1000 / (generated - 1));
    }
    h.requestGenerationTokens.observe(generated);
    this.#promptUsage(promptTokens, cachedTokens);
  }

  /**
   * The request failed inside the engine. `errorType` should be low-cardinality (`oom`, `timeout`).
   * `usage` gives the prompt tokens the engine had already processed, so they are counted too.
   */
  fail(errorType = 'error', time?: number, usage?: PromptUsage): void {
    this.#time(time);
    if (this.#phase === Phase.Ended) return this.#skip('after_end');
    this.#end();
    this.#h.finished('error').value++;
    this.#h.errors(typeof errorType === 'string' && errorType ? errorType : 'error').value++;
    if (usage !== undefined) this.#usage(usage);
  }

  /** The client went away or the request was cancelled; `usage` as in {@link fail}. */
  abort(time?: number, usage?: PromptUsage): void {
    this.#time(time);
    if (this.#phase === Phase.Ended) return this.#skip('after_end');
    this.#end();
    this.#h.finished('abort').value++;
    if (usage !== undefined) this.#usage(usage);
  }

  /** Reads `usage` once; one that is not an object, or whose getters throw, is counted. */
  #usage(usage: PromptUsage): void {
    let prompt: unknown;
    let cached: unknown;
    try {
      prompt = usage.promptTokens;
      cached = usage.cachedTokens;
    } catch {
      return this.#ctx.drop('invalid_event');
    }
    this.#promptUsage(prompt, cached);
  }

  #promptUsage(promptTokens: unknown, cachedTokens: unknown): void {
    const h = this.#h;
    const prompt = this.#count(promptTokens);
    if (prompt !== undefined) {
      h.promptTokens.value += prompt;
      h.requestPromptTokens.observe(prompt);
    }
    const cached = this.#count(cachedTokens);
    if (cached !== undefined) h.promptTokensCached.value += cached;
  }

  /** Ends the request without recording it as finished; used for expiry and shutdown. */
  discard(reason: 'expired' | 'stopped'): void {
    if (this.#phase === Phase.Ended) return;
    this.#end();
    this.#ctx.drop(reason);
  }

  #schedule(t: number): void {
    const h = this.#h;
    if (this.#phase === Phase.Waiting) h.requestsWaiting.value--;
    h.requestsRunning.value++;
    this.#phase = this.#firstAt === 0 ? Phase.Prefill : Phase.Decode;
    if (!this.#scheduledOnce) {
      this.#scheduledOnce = true;
      this.#scheduledAt = t;
      h.requestQueueTime.observe((t - this.#queuedAt) / 1000);
    }
  }

  #end(): void {
    const phase = this.#phase;
    if (phase === Phase.Waiting) this.#h.requestsWaiting.value--;
    else if (phase === Phase.Prefill || phase === Phase.Decode) this.#h.requestsRunning.value--;
    this.#phase = Phase.Ended;
    this.#ctx.active.delete(this);
    const onEnd = this.onEnd;
    if (onEnd !== undefined) {
      this.onEnd = undefined;
      onEnd(this);
    }
  }

  #time(time: number | undefined): number {
    if (time === undefined) return this.#ctx.now();
    // Engine timestamps must be on the lens clock. One that is not a number or is more than an
    // hour off is counted and replaced by the clock, so it cannot poison a histogram's sum.
    const seen = this.#ctx.seen;
    if (typeof time === 'number' && time - seen < MAX_SKEW_MS && seen - time < MAX_SKEW_MS)
      return time;
    this.#ctx.drop('invalid_value');
    return this.#ctx.now();
  }

  /** A token count from the caller: undefined when absent, or (counted) when not a valid one. */
  #count(n: unknown): number | undefined {
    if (n === undefined) return undefined;
    if (validTokens(n)) return n;
    this.#ctx.drop('invalid_value');
    return undefined;
  }

  #skip(reason: 'after_end' | 'out_of_order' | 'invalid_value'): void {
    this.#ctx.drop(reason);
  }
}

/**
 * A token count: a number from 0 to 2^53 − 1. The bound keeps every counter the tracker adds it to
 * finite (reaching Infinity would take 10^292 calls) with one typeof and one range check.
 */
function validTokens(n: unknown): n is number {
  return typeof n === 'number' && n >= 0 && n <= Number.MAX_SAFE_INTEGER;
}

export type DropCounters = Record<DropReason, CounterSeries>;
