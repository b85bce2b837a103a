import { histogramQuantile } from '@inferlens/core';

/**
 * Bucket samples of several series: the series (its labels without `le`) → upper bound →
 * cumulative count. Series stay apart because their layouts may differ (ours, vLLM's, TGI's):
 * adding them by `le` would mix bounds that mean different buckets (issue #11).
 */
export type SeriesBuckets = Map<string, Map<number, number>>;

/**
 * Adds a `_bucket` sample (cumulative count at its `le`) to its series in `into`; samples of one
 * series over several steps add up, as `increase()` does.
 *
 * @example
 * const buckets: SeriesBuckets = new Map();
 * for (const s of increases) if (s.name === bucketName) addToBuckets(buckets, s.labels, s.value);
 */
export function addToBuckets(
  into: SeriesBuckets,
  labels: Readonly<Record<string, string>>,
  count: number,
): void {
  const le = labels.le;
  const bound = le === '+Inf' || le === 'Inf' ? Number.POSITIVE_INFINITY : Number(le);
  if (le === undefined || le === '' || Number.isNaN(bound)) return;
  let key = '';
  for (const name of Object.keys(labels).sort())
    if (name !== 'le') key += `${name}=${labels[name]}\u0001`;
  let series = into.get(key);
  if (series === undefined) into.set(key, (series = new Map()));
  series.set(bound, (series.get(bound) ?? 0) + count);
}

/**
 * The `q`-quantile of every series in `buckets` together, by core's `histogramQuantile` (bundled
 * into the page), which combines layouts correctly. A series without a +Inf bucket is left out,
 * as Prometheus leaves it NaN.
 *
 * @example
 * seriesQuantile(0.95, buckets);
 */
export function seriesQuantile(q: number, buckets: SeriesBuckets): number {
  const histograms: { bounds: number[]; cumulative: number[] }[] = [];
  for (const series of buckets.values()) {
    const les = [...series.keys()].sort((a, b) => a - b);
    if (les[les.length - 1] !== Number.POSITIVE_INFINITY) continue;
    histograms.push({
      bounds: les.slice(0, -1),
      cumulative: les.map((le) => series.get(le) ?? 0),
    });
  }
  return histogramQuantile(q, histograms);
}

/** The two histogram helpers the views use; a test can hand in others. */
export interface Histograms {
  quantile(q: number, buckets: SeriesBuckets): number;
  add: typeof addToBuckets;
}
