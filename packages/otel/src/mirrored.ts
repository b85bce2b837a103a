import type { MetricId, MirroredHistogram, MirroredSeries } from '@inferlens/core/internal';
import type { Attributes, HrTime } from '@opentelemetry/api';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import type { Temporality } from './points.js';

/** What a mirrored series looked like at the last collection that saw it. */
interface Seen {
  /** Start time of its next point. */
  start: HrTime;
  /** The collection that last saw it; a series a collection does not see is forgotten. */
  generation: number;
  /** No usable value seen yet: the next one is a first sighting. */
  fresh: boolean;
  /** Counted as invalid already, so one bad series is counted once, not at every export. */
  bad: boolean;
  value: number;
  histogram: MirroredHistogram | undefined;
}

/**
 * Data points for the series engine sources mirror into the store (vLLM, TGI). They have no
 * lasting identity (a source builds new objects at each scrape), so state is kept by metric and
 * label pairs, and dropped when a collection no longer sees the series: memory stays bounded by
 * what the sources show now.
 *
 * The engine started counting before we first saw it, at a time we do not know, so a first
 * sighting is an unknown-start reset point as the OTel data model defines it (start time equal to
 * its time, the value as the engine reports it). A counter that goes back means the engine
 * restarted; its points then start at the previous collection, after which all of the new value
 * was counted. In delta temporality a first sighting only sets the baseline and exports nothing,
 * as the Collector's cumulativetodelta processor does, rather than passing the engine's whole
 * lifetime off as one interval.
 * https://github.com/open-telemetry/opentelemetry-specification/blob/main/specification/metrics/data-model.md#cumulative-streams-handling-unknown-start-time
 */
export class MirrorPoints {
  readonly #delta: boolean;
  readonly #onInvalid: () => void;
  readonly #seen = new Map<string, Seen>();
  readonly #keys = new WeakMap<MirroredSeries, string>();
  #generation = 0;
  #now: HrTime = [0, 0];
  #previous: HrTime = [0, 0];

  constructor(temporality: Temporality, onInvalid: () => void) {
    this.#delta = temporality === 'delta';
    this.#onInvalid = onInvalid;
  }

  begin(now: HrTime, previous: HrTime): void {
    this.#now = now;
    this.#previous = previous;
    this.#generation++;
  }

  end(): void {
    for (const [key, seen] of this.#seen)
      if (seen.generation !== this.#generation) this.#seen.delete(key);
  }

  /** A counter (`monotonic`) or gauge point of a series whose value is a number. */
  number(
    id: MetricId,
    series: MirroredSeries,
    attributes: Attributes,
    monotonic: boolean,
  ): DataPoint<number> | undefined {
    const value = series.value as number;
    const seen = this.#see(id, series, Number.isFinite(value));
    if (seen === undefined) return undefined;
    const { fresh, value: last } = seen;
    seen.fresh = false;
    seen.value = value;
    if (fresh) seen.start = this.#now;
    if (!monotonic) return this.#point(seen.start, attributes, value);
    if (fresh) return this.#delta ? undefined : this.#point(seen.start, attributes, value);
    const reset = value < last;
    if (!this.#delta) {
      if (reset) seen.start = this.#previous;
      return this.#point(seen.start, attributes, value);
    }
    const startTime = seen.start;
    seen.start = this.#now;
    return this.#point(startTime, attributes, reset ? value : value - last);
  }

  /** A histogram point with the engine's own bounds, its cumulative counts made per-bucket. */
  histogram(
    id: MetricId,
    series: MirroredSeries,
    attributes: Attributes,
  ): DataPoint<Histogram> | undefined {
    const h = series.value as MirroredHistogram;
    const counts = perBucket(h);
    const usable = counts !== undefined && (h.sum === undefined || Number.isFinite(h.sum));
    const seen = this.#see(id, series, usable);
    if (seen === undefined || counts === undefined) return undefined;
    const { fresh, histogram: last } = seen;
    seen.fresh = false;
    seen.histogram = h;
    if (fresh) {
      seen.start = this.#now;
      return this.#delta ? undefined : this.#point(seen.start, attributes, point(h, counts, h.sum));
    }
    const reset =
      last === undefined ||
      last.bounds.length !== h.bounds.length ||
      last.bounds.some((b, i) => b !== h.bounds[i]) ||
      h.cumulative.some((c, i) => c < last.cumulative[i]!);
    if (!this.#delta) {
      if (reset) seen.start = this.#previous;
      return this.#point(seen.start, attributes, point(h, counts, h.sum));
    }
    const startTime = seen.start;
    seen.start = this.#now;
    if (reset) return this.#point(startTime, attributes, point(h, counts, h.sum));
    const before = perBucket(last) ?? [];
    const sum = h.sum === undefined || last.sum === undefined ? undefined : h.sum - last.sum;
    const delta = counts.map((c, i) => c - (before[i] ?? 0));
    return this.#point(startTime, attributes, point(h, delta, sum));
  }

  /** The state of a series, or undefined (counted once per series) when its value is unusable. */
  #see(id: MetricId, series: MirroredSeries, usable: boolean): Seen | undefined {
    let key = this.#keys.get(series);
    if (key === undefined) {
      key = id;
      for (const [k, v] of series.labels) key += `\u0001${k}\u0002${v}`;
      this.#keys.set(series, key);
    }
    let seen = this.#seen.get(key);
    if (seen === undefined) {
      const start = this.#now;
      seen = { start, generation: 0, fresh: true, bad: false, value: 0, histogram: undefined };
      this.#seen.set(key, seen);
    }
    seen.generation = this.#generation;
    if (usable) {
      seen.bad = false;
      return seen;
    }
    if (!seen.bad) this.#onInvalid();
    seen.bad = true;
    return undefined;
  }

  #point<T>(startTime: HrTime, attributes: Attributes, value: T): DataPoint<T> {
    return { startTime, endTime: this.#now, attributes, value };
  }
}

/**
 * Per-bucket counts from cumulative ones; undefined when they are not finite or go down (not a
 * histogram OTel can carry).
 */
function perBucket(h: MirroredHistogram): number[] | undefined {
  const out: number[] = [];
  let below = 0;
  for (const c of h.cumulative) {
    if (!(c >= below) || !Number.isFinite(c)) return undefined;
    out.push(c - below);
    below = c;
  }
  return out;
}

/**
 * The OTel histogram value. Its count is the +Inf bucket, which OTLP requires to equal the sum of
 * the bucket counts (Prometheus defines `_count` as the same number). No `sum` when the engine
 * sent no `_sum`: the field is optional in OTLP, and a made-up 0 would be a wrong mean.
 */
function point(h: MirroredHistogram, counts: number[], sum: number | undefined): Histogram {
  let count = 0;
  for (const c of counts) count += c;
  const value: Histogram = { buckets: { boundaries: [...h.bounds], counts }, count };
  if (sum !== undefined) value.sum = sum;
  return value;
}
