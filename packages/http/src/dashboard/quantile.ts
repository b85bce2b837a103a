// Browser code, inlined into the dashboard page with `toString()`: see parse.ts for the rules.

/**
 * The `q`-quantile (0–1) of a histogram as Prometheus's `histogram_quantile()` computes it
 * (promql/quantile.go `bucketQuantile`): `buckets` maps each upper bound (`le`, with +Inf) to the
 * cumulative count at or below it; the rank `q × total` is found and interpolated linearly inside
 * its bucket, the first bucket starting at 0. A rank in the +Inf bucket gives the highest finite
 * bound. NaN when the histogram is empty or has no +Inf bucket. Counts that go down with `le`
 * (from a scrape taken mid-update) are raised to stay monotonic, as Prometheus does.
 *
 * @example
 * histogramQuantile(0.5, new Map([[0.1, 1], [0.5, 3], [Infinity, 4]])); // 0.3
 */
export function histogramQuantile(q: number, buckets: ReadonlyMap<number, number>): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const bounds = [...buckets.keys()].filter((le) => !Number.isNaN(le)).sort((a, b) => a - b);
  const n = bounds.length;
  if (n < 2 || bounds[n - 1] !== Number.POSITIVE_INFINITY) return Number.NaN;
  const counts: number[] = [];
  let highest = 0;
  for (const le of bounds) {
    highest = Math.max(highest, buckets.get(le) ?? 0);
    counts.push(highest);
  }
  const total = counts[n - 1] as number;
  if (!(total > 0)) return Number.NaN;
  const rank = q * total;
  let b = 0;
  while (b < n - 1 && (counts[b] as number) < rank) b++;
  if (b === n - 1) return bounds[n - 2] as number;
  const upper = bounds[b] as number;
  if (b === 0 && upper <= 0) return upper;
  const lower = b === 0 ? 0 : (bounds[b - 1] as number);
  const below = b === 0 ? 0 : (counts[b - 1] as number);
  return lower + (upper - lower) * ((rank - below) / ((counts[b] as number) - below));
}

/**
 * Adds a `_bucket` sample (cumulative count at its `le`) into `into`, keyed by the bound; summing
 * several series' samples this way gives the buckets of their sum, as `sum by (le)` does.
 *
 * @example
 * const buckets = new Map<number, number>();
 * for (const s of increases) if (s.name === bucketName) addToBuckets(buckets, s.labels.le, s.value);
 */
export function addToBuckets(
  into: Map<number, number>,
  le: string | undefined,
  count: number,
): void {
  const bound = le === '+Inf' || le === 'Inf' ? Number.POSITIVE_INFINITY : Number(le);
  if (Number.isNaN(bound)) return;
  into.set(bound, (into.get(bound) ?? 0) + count);
}

/** The two histogram helpers, handed to the view code (a call into another module does not survive `toString()`). */
export interface Histograms {
  quantile: typeof histogramQuantile;
  add: typeof addToBuckets;
}
