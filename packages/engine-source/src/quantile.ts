import type { MirroredHistogram } from './snapshot.js';

/**
 * `histogram_quantile(q, …)` as Prometheus computes it on one cumulative histogram: linear
 * interpolation inside the bucket that holds rank q·count, from 0 for the first bucket; a rank
 * in the +Inf bucket answers the highest finite bound. Undefined when the histogram is empty.
 *
 * @example
 * quantileOf(0.5, { bounds: [1, 2], cumulative: [0, 10, 10], sum: 15, count: 10 }) // 1.5
 */
export function quantileOf(q: number, h: MirroredHistogram): number | undefined {
  const total = h.cumulative[h.cumulative.length - 1] ?? 0;
  if (!(total > 0) || !(q >= 0 && q <= 1)) return undefined;
  const rank = q * total;
  const c = h.cumulative;
  let i = 0;
  while (i < c.length - 1 && c[i]! < rank) i++;
  if (i >= h.bounds.length) return h.bounds[h.bounds.length - 1];
  const upper = h.bounds[i]!;
  const lower = i === 0 ? 0 : h.bounds[i - 1]!;
  const below = i === 0 ? 0 : c[i - 1]!;
  const inBucket = c[i]! - below;
  if (inBucket <= 0) return upper;
  return lower + ((upper - lower) * (rank - below)) / inBucket;
}

/** `newer − older`, bucket by bucket; undefined when bounds differ or a counter went back (a restart). */
export function histogramDelta(
  newer: MirroredHistogram,
  older: MirroredHistogram,
): MirroredHistogram | undefined {
  const n = newer.bounds;
  const o = older.bounds;
  if (n.length !== o.length || n.some((b, i) => b !== o[i])) return undefined;
  const cumulative = newer.cumulative.map((c, i) => c - (older.cumulative[i] ?? 0));
  if (cumulative.some((c) => c < 0)) return undefined;
  const sum =
    newer.sum === undefined || older.sum === undefined ? undefined : newer.sum - older.sum;
  return { bounds: n, cumulative, sum, count: newer.count - older.count };
}
