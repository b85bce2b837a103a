/** One histogram's buckets: ascending finite upper bounds, and cumulative counts with +Inf last. */
export interface BucketCounts {
  readonly bounds: ArrayLike<number>;
  /** Count at or below each bound, then the total (+Inf): one entry more than `bounds`. */
  readonly cumulative: ArrayLike<number>;
}

/**
 * The `q`-quantile (0–1) of one histogram, or of several together, by Prometheus's
 * `histogram_quantile()` rules (promql/quantile.go `bucketQuantile`): the rank `q × total` is found
 * and interpolated linearly inside its bucket, the first bucket starting at 0; a rank in the +Inf
 * bucket gives the highest finite bound; counts that go down with `le` are raised (a scrape taken
 * mid-update). NaN when empty; −Inf / +Inf for `q` below 0 / above 1, as PromQL answers.
 *
 * Histograms with different bucket layouts (ours, vLLM's, TGI's) cannot be added bucket by
 * bucket: a TGI bound of 2560 s would swallow a count of our 2.5 s bucket. Each histogram is read
 * as PromQL reads one (counts spread evenly inside a bucket), the spreads are added, and the rank
 * is found in the sum, which is exact under that reading and equals `histogram_quantile` of the
 * summed buckets when every layout is the same (issue #11).
 *
 * The one implementation in the repository: the dashboard page inlines it with `toString()`, so it
 * calls nothing outside itself.
 *
 * @example
 * histogramQuantile(0.5, { bounds: [0.1, 0.5, 1], cumulative: [1, 3, 4, 4] }); // 0.3
 */
export function histogramQuantile(
  q: number,
  histograms: BucketCounts | readonly BucketCounts[],
): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const list = (Array.isArray(histograms) ? histograms : [histograms]) as readonly BucketCounts[];
  const usable: { bounds: ArrayLike<number>; counts: number[] }[] = [];
  const points: number[] = [];
  let total = 0;
  for (const h of list) {
    const n = h.bounds.length;
    if (n === 0 || h.cumulative.length !== n + 1) continue;
    const counts: number[] = [];
    let highest = 0;
    for (let i = 0; i <= n; i++) {
      const c = Number(h.cumulative[i]);
      if (c > highest) highest = c;
      counts.push(highest);
    }
    if (!(highest > 0)) continue;
    total += highest;
    usable.push({ bounds: h.bounds, counts });
    for (let i = 0; i < n; i++) points.push(h.bounds[i]!);
  }
  if (!(total > 0)) return Number.NaN;
  points.sort((a, b) => a - b);
  // The count at or below x of one histogram, spread evenly inside each bucket (PromQL's reading);
  // a first bucket whose bound is at or below 0 holds its count at the bound.
  const below = (h: { bounds: ArrayLike<number>; counts: number[] }, x: number): number => {
    const b = h.bounds;
    const n = b.length;
    if (x >= b[n - 1]!) return h.counts[n - 1]!;
    let i = 0;
    while (b[i]! < x) i++;
    if (b[i] === x) return h.counts[i]!;
    if (i === 0) return b[0]! <= 0 || x <= 0 ? 0 : h.counts[0]! * (x / b[0]!);
    const lower = b[i - 1]!;
    const base = h.counts[i - 1]!;
    return base + (h.counts[i]! - base) * ((x - lower) / (b[i]! - lower));
  };
  const rank = q * total;
  let prevX = Math.min(0, points[0]!);
  let prevC = 0;
  for (const x of points) {
    if (x === prevX && prevC > 0) continue; // a bound shared by several layouts
    let c = 0;
    for (const h of usable) c += below(h, x);
    // The first bound whose count reaches the rank (a rank of 0 skips leading empty buckets).
    if (c >= rank && c > 0) {
      if (x <= prevX) return x;
      return prevX + (x - prevX) * ((rank - prevC) / (c - prevC));
    }
    prevX = x;
    prevC = c;
  }
  // The rank lies in +Inf buckets: the highest finite bound, as Prometheus answers.
  return points[points.length - 1]!;
}
