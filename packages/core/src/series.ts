/**
 * Series are the handles the hot path holds. Resolving labels to a series happens once; after that
 * recording is arithmetic on fields and a preallocated Float64Array, with no hashing and no
 * allocation. prom-client and OTel hash the label set on every call (0.5–1.8 µs), which is the cost
 * these handles exist to avoid.
 */

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

  /** Adds `n` (default 1). Negative, NaN or infinite `n` is counted as invalid and skipped. */
  inc(n = 1): void {
    if (n >= 0 && n !== Number.POSITIVE_INFINITY) this.value += n;
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

  /** Adds `n`, which may be negative. */
  add(n: number): void {
    if (Number.isFinite(n)) this.value += n;
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

  /** Records one value. Negative, NaN or infinite values are counted as invalid and skipped. */
  observe(v: number): void {
    if (!(v >= 0 && v !== Number.POSITIVE_INFINITY)) {
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
}

export type Series = CounterSeries | GaugeSeries | HistogramSeries;
