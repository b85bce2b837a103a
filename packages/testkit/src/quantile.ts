/**
 * Estimates the `q`-quantile (0–1) of a histogram from its buckets, as Prometheus's
 * `histogram_quantile()` does: find the bucket the rank falls in and interpolate linearly
 * inside it, taking 0 as the lower edge of the first bucket. A rank in the +Inf bucket returns the
 * highest finite bound. Returns NaN for an empty histogram.
 *
 * `counts` are per bucket (not cumulative), one more than `bounds` (the last is +Inf): the layout of
 * core's `HistogramSeries.counts`. Pass the difference of two snapshots for a quantile over a window.
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
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (!(total > 0) || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < bounds.length; i++) {
    const below = cumulative;
    cumulative += counts[i]!;
    // Leading empty buckets are skipped too, so q = 0 gives the lower edge of the first
    // non-empty bucket (Prometheus divides 0 by 0 there).
    if (cumulative < rank || cumulative === 0) continue;
    const upper = bounds[i]!;
    if (i === 0 && upper <= 0) return upper;
    const lower = i === 0 ? 0 : bounds[i - 1]!;
    return lower + (upper - lower) * ((rank - below) / (cumulative - below));
  }
  return bounds.length > 0 ? bounds[bounds.length - 1]! : Number.NaN;
}

/** Adds histograms' counts bucket by bucket (e.g. every model's series of one metric). */
export function sumCounts(into: Float64Array, counts: ArrayLike<number>): Float64Array {
  for (let i = 0; i < into.length; i++) into[i]! += counts[i] ?? 0;
  return into;
}
