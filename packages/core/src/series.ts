/**
 * Series are the handles the hot path holds. Resolving labels to a series happens once; after that
 * recording is arithmetic on fields and a preallocated Float64Array, with no hashing and no
 * allocation. prom-client and OTel hash the label set on every call (0.5–1.8 µs), which is the cost
 * these handles exist to avoid.
 */

import { BINS, binOf, type SummaryWindow, windowQuantiles } from './sketch.js';

/**
 * A trace id attached to one histogram observation, shown after the bucket line in OpenMetrics
 * (`… # {trace_id="…"} value timestamp`). Only with `createLens({ exemplars })`.
 */
export interface Exemplar {
  readonly traceId: string;
  readonly value: number;
  /** Unix seconds. */
  readonly timestamp: number;
}

/** What a trace id may be: OTel's 32 hex digits, or any id of up to 64 safe characters. */
const TRACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Counts values the store refused (NaN, negative, infinite) so bad input is visible, not fatal. */
export interface InvalidSink {
  value: number;
}

abstract class SeriesBase {
  /** Label values in the family's label order, constant labels last. */
  readonly labelValues: readonly string[];
  /** `name="value",…` with escaping done once; empty when the series has no labels. */
  readonly labelText: string;
  /** True for the series that collects label sets past the family's series limit. */
  readonly overflow: boolean;

  /** Where refused values are counted (the store's `eventsDropped{reason="invalid_value"}`). */
  protected readonly invalid: InvalidSink;

  constructor(
    labelValues: readonly string[],
    labelText: string,
    overflow: boolean,
    invalid: InvalidSink,
  ) {
    this.labelValues = labelValues;
    this.labelText = labelText;
    this.overflow = overflow;
    this.invalid = invalid;
  }
}

export class CounterSeries extends SeriesBase {
  readonly kind = 'counter' as const;
  value = 0;

  /**
   * Adds `n` (default 1). Anything but a non-negative number, or an `n` that would take the
   * counter to Infinity, is counted as invalid and skipped: one typeof and one range check.
   */
  inc(n = 1): void {
    if (typeof n === 'number' && n >= 0 && this.value + n < Number.POSITIVE_INFINITY)
      this.value += n;
    else this.invalid.value++;
  }
}

export class GaugeSeries extends SeriesBase {
  readonly kind = 'gauge' as const;
  value = 0;

  /** Sets the value. A non-finite value is counted as invalid and the last good value is kept. */
  set(v: number): void {
    if (Number.isFinite(v)) this.value = v;
    else this.invalid.value++;
  }

  /** Adds `n`, which may be negative; one that would make the value infinite is refused. */
  add(n: number): void {
    if (Number.isFinite(n) && Number.isFinite(this.value + n)) this.value += n;
    else this.invalid.value++;
  }
}

export class HistogramSeries extends SeriesBase {
  readonly kind = 'histogram' as const;
  /** Upper bounds, ascending, without +Inf. Shared by every series of the family. */
  readonly bounds: Float64Array;
  /** Non-cumulative counts; index `bounds.length` is the +Inf bucket. Cumulated at collection. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    labelValues: readonly string[],
    labelText: string,
    overflow: boolean,
    invalid: InvalidSink,
    bounds: Float64Array,
  ) {
    super(labelValues, labelText, overflow, invalid);
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /**
   * Records one value. Anything but a non-negative finite number (or a value that would take the
   * sum to Infinity) is counted as invalid and skipped.
   */
  observe(v: number): void {
    if (!(typeof v === 'number' && v >= 0 && this.sum + v < Number.POSITIVE_INFINITY)) {
      this.invalid.value++;
      return;
    }
    // A linear scan beats binary search for the ≤ 22 bounds the schema uses, and most latencies
    // land in the first third of the list.
    const b = this.bounds;
    const n = b.length;
    let i = 0;
    while (i < n && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }

  /**
   * The last exemplar of each bucket (index as `counts`), created by the first
   * {@link observeWithExemplar}; undefined while none was recorded, so histograms without
   * exemplars cost nothing more.
   */
  exemplars: (Exemplar | undefined)[] | undefined;

  /**
   * Records one value as {@link observe} does, and keeps `traceId` as its bucket's exemplar. A
   * trace id that is not 1–64 characters of `[A-Za-z0-9_-]` records the value without one.
   */
  observeWithExemplar(v: number, traceId: string, wallMs: number = Date.now()): void {
    const before = this.count;
    this.observe(v);
    if (this.count === before || typeof traceId !== 'string' || !TRACE_ID.test(traceId)) return;
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    const all = (this.exemplars ??= new Array(this.counts.length).fill(undefined));
    all[i] = { traceId, value: v, timestamp: wallMs / 1000 };
  }
}

/**
 * A summary: `sum` and `count` over the series' life, and quantiles over a sliding time window
 * (`maxAgeSeconds`, in `ageBuckets` steps) estimated within 1 % by a log-bucketed sketch
 * (sketch.ts). Recording is O(1) with no allocation; the quantiles are computed at collection.
 * Quantiles are per process and cannot be added up across instances: for that, use a histogram.
 */
export class SummarySeries extends SeriesBase {
  readonly kind = 'summary' as const;
  readonly window: SummaryWindow;
  sum = 0;
  count = 0;
  /** `ageBuckets` runs of BINS counts, one per age bucket, allocated once. */
  readonly #counts: Uint32Array;
  /** The time step (`floor(ms / slotMs)`) each age bucket holds; -Infinity when never used. */
  readonly #ticks: Float64Array;
  readonly #mins: Float64Array;
  readonly #maxs: Float64Array;
  /** Latest step observed, so a time from the past counts into the current age bucket. */
  #tick = Number.NEGATIVE_INFINITY;

  constructor(
    labelValues: readonly string[],
    labelText: string,
    overflow: boolean,
    invalid: InvalidSink,
    window: SummaryWindow,
  ) {
    super(labelValues, labelText, overflow, invalid);
    this.window = window;
    const slots = window.ageBuckets;
    this.#counts = new Uint32Array(slots * BINS);
    this.#ticks = new Float64Array(slots).fill(Number.NEGATIVE_INFINITY);
    this.#mins = new Float64Array(slots);
    this.#maxs = new Float64Array(slots);
  }

  /**
   * Records one value at `time` (lens-clock milliseconds; read from the clock when omitted, so
   * pass the time you already have). Negative, NaN or infinite values are counted as invalid.
   */
  observe(v: number, time?: number): void {
    if (!(typeof v === 'number' && v >= 0 && this.sum + v < Number.POSITIVE_INFINITY)) {
      this.invalid.value++;
      return;
    }
    const at = typeof time === 'number' ? time : this.window.clock();
    let tick = Math.floor(at / this.window.slotMs);
    // A time before the latest one (or a broken clock) counts into the current age bucket.
    if (!(tick >= this.#tick)) tick = this.#tick === Number.NEGATIVE_INFINITY ? 0 : this.#tick;
    this.#tick = tick;
    const slots = this.#ticks.length;
    const slot = ((tick % slots) + slots) % slots;
    if (this.#ticks[slot] !== tick) {
      // The age bucket last held a step now out of the window: start it over (once per step).
      this.#counts.fill(0, slot * BINS, (slot + 1) * BINS);
      this.#ticks[slot] = tick;
      this.#mins[slot] = v;
      this.#maxs[slot] = v;
    } else if (v < this.#mins[slot]!) this.#mins[slot] = v;
    else if (v > this.#maxs[slot]!) this.#maxs[slot] = v;
    this.#counts[slot * BINS + binOf(v)]!++;
    this.sum += v;
    this.count++;
  }

  /** The window's estimate of each of `window.quantiles` at `time` (NaN when it is empty). */
  quantileValues(time: number = this.window.clock()): number[] {
    return this.#estimate(this.window.quantiles, time);
  }

  /** The window's estimate of one quantile `q` in [0, 1] at `time` (NaN when it is empty). */
  quantile(q: number, time: number = this.window.clock()): number {
    return this.#estimate([q], time)[0]!;
  }

  #estimate(quantiles: readonly number[], time: number): number[] {
    const now = Math.max(Math.floor(time / this.window.slotMs), this.#tick);
    return windowQuantiles(this.#counts, this.#ticks, this.#mins, this.#maxs, now, quantiles);
  }
}

/**
 * One series of the lens's store: a counter, gauge, histogram or summary with its label values.
 *
 * @example
 * for (const s of lens.store.family('requests').all() as Iterable<Series>) console.log(s.values);
 */
export type Series = CounterSeries | GaugeSeries | HistogramSeries | SummarySeries;
