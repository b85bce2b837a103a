import { histogramQuantile } from '@inferlens/core';
import type { MirroredHistogram } from './snapshot.js';

/**
 * `histogram_quantile(q, …)` on one mirrored histogram, by core's one implementation
 * (`histogramQuantile`). Undefined when the histogram is empty or `q` is outside [0, 1].
 *
 * @example
 * quantileOf(0.5, { bounds: [1, 2], cumulative: [0, 10, 10], sum: 15, count: 10 }) // 1.5
 */
export function quantileOf(q: number, h: MirroredHistogram): number | undefined {
  if (!(q >= 0 && q <= 1)) return undefined;
  const v = histogramQuantile(q, h);
  return Number.isNaN(v) ? undefined : v;
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
