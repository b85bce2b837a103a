import type { CounterSeries, GaugeSeries, HistogramSeries, Series } from '@inferlens/core/internal';
import type { Attributes, HrTime } from '@opentelemetry/api';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { MirrorPoints } from './mirrored.js';

/**
 * `cumulative` (Prometheus and most backends) or `delta` (Datadog, Dynatrace, …).
 *
 * @example
 * const temporality: Temporality = 'delta';
 * createOtlpReader(lens, { temporality });
 */
export type Temporality = 'cumulative' | 'delta';

/** What a series looked like when it was last exported. */
interface Seen {
  /** Start time of the next data point. */
  start: HrTime;
  value: number;
  sum: number;
  count: number;
  counts: Float64Array | undefined;
}

/** Wall-clock now as OTel's `[seconds, nanoseconds]`, with performance.now()'s sub-ms part. */
export function hrNow(): HrTime {
  const ms = performance.timeOrigin + performance.now();
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos];
}

/**
 * Builds data points from series and keeps what temporality needs between collections: the
 * start time of each series and, for delta, the values last exported. State is keyed weakly by
 * the series, so it is bounded by the store's series limits and series the store removed are
 * forgotten (a re-created series starts over with a new start time, which is how backends see a
 * reset).
 */
export class PointBuilder {
  readonly #delta: boolean;
  readonly #seen = new WeakMap<Series, Seen>();
  /** A series first seen now was created after this moment, so its values all lie after it. */
  #previous: HrTime;
  #now: HrTime;
  /** Points of the series engine sources mirror into the store, on the same clock. */
  readonly mirrored: MirrorPoints;

  /** `onInvalidMirror` is called once for each mirrored series whose value OTel cannot carry. */
  constructor(temporality: Temporality, createdAt: HrTime, onInvalidMirror: () => void) {
    this.#delta = temporality === 'delta';
    this.#previous = createdAt;
    this.#now = createdAt;
    this.mirrored = new MirrorPoints(temporality, onInvalidMirror);
  }

  begin(now: HrTime): void {
    this.#now = now;
    this.mirrored.begin(now, this.#previous);
  }

  end(): void {
    this.#previous = this.#now;
    this.mirrored.end();
  }

  /** A counter (`monotonic`) or gauge point; undefined when the value is not a finite number. */
  number(
    series: CounterSeries | GaugeSeries,
    attributes: Attributes,
    monotonic: boolean,
  ): DataPoint<number> | undefined {
    const value = series.value;
    if (!Number.isFinite(value)) return undefined;
    const seen = this.#state(series);
    const startTime = seen.start;
    let out = value;
    if (monotonic && this.#delta) {
      // A drop means the counter was reset; the whole value is then new.
      out = value >= seen.value ? value - seen.value : value;
      seen.value = value;
      seen.start = this.#now;
    }
    return { startTime, endTime: this.#now, attributes, value: out };
  }

  /** A histogram point; undefined when its sum is not finite. */
  histogram(
    series: HistogramSeries,
    attributes: Attributes,
    boundaries: number[],
  ): DataPoint<Histogram> | undefined {
    if (!Number.isFinite(series.sum)) return undefined;
    const seen = this.#state(series);
    const startTime = seen.start;
    const counts = Array.from(series.counts);
    let { sum, count } = series;
    if (this.#delta) {
      const last = (seen.counts ??= new Float64Array(counts.length));
      const reset = count < seen.count || counts.some((c, i) => c < (last[i] ?? 0));
      if (!reset) {
        for (let i = 0; i < counts.length; i++) counts[i]! -= last[i] ?? 0;
        sum -= seen.sum;
        count -= seen.count;
      }
      last.set(series.counts);
      seen.sum = series.sum;
      seen.count = series.count;
      seen.start = this.#now;
    }
    return {
      startTime,
      endTime: this.#now,
      attributes,
      value: { buckets: { boundaries, counts }, sum, count },
    };
  }

  #state(series: Series): Seen {
    let seen = this.#seen.get(series);
    if (seen === undefined) {
      seen = { start: this.#previous, value: 0, sum: 0, count: 0, counts: undefined };
      this.#seen.set(series, seen);
    }
    return seen;
  }
}
