import { histogramQuantile as quantileOfBuckets } from '@inferlens/core';

/**
 * Estimates the `q`-quantile (0–1) of a histogram from its buckets, as Prometheus's
 * `histogram_quantile()` does, by core's one implementation (`histogramQuantile`), for counts in
 * the layout of core's `HistogramSeries.counts`: per bucket (not cumulative), one more than
 * `bounds` (the last is +Inf). Pass the difference of two snapshots for a quantile over a window.
 * Returns NaN for an empty histogram.
 *
 * @example
 * const ttft = lens.handles('llama').timeToFirstToken;
 * histogramQuantile(0.95, ttft.bounds, ttft.counts); // seconds
 */
export function histogramQuantile(
  q: number,
  bounds: ArrayLike<number>,
  counts: ArrayLike<number>,
): number {
  if (counts.length !== bounds.length + 1)
    throw new RangeError('[@inferlens/testkit] counts must have one entry more than bounds (+Inf)');
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < counts.length; i++) cumulative.push((total += counts[i]!));
  return quantileOfBuckets(q, { bounds, cumulative });
}

/**
 * Adds histograms' counts bucket by bucket (e.g. every model's series of one metric).
 *
 * @example
 * const all = sumCounts(new Float64Array(a.counts.length), a.counts); sumCounts(all, b.counts);
 */
export function sumCounts(into: Float64Array, counts: ArrayLike<number>): Float64Array {
  for (let i = 0; i < into.length; i++) into[i]! += counts[i] ?? 0;
  return into;
}
