/**
 * The quantile sketch behind summary series: a sliding time window of log-bucketed counts
 * (DDSketch, Masson et al., VLDB 2019), written here rather than taken from prom-client. prom-client's
 * Summary uses the `tdigest` package (0.1.3, CommonJS, with `bintrees`): each `push` wraps the value
 * in an array, allocates a search key and tree iterators, often a centroid object, and prom-client
 * pushes every value into every age bucket. Its memory grew until prom-client started compressing
 * every 1000 values (prometheus/client_js#234). Here an observation is one `Math.log`, a few
 * compares and one increment into a preallocated typed array.
 *
 * Accuracy: a value v in (MIN, MAX] falls in bin i = ceil(log_γ(v / MIN)), which covers
 * (MIN·γ^(i−1), MIN·γ^i]; the bin's estimate 2·MIN·γ^i / (γ + 1) is within RELATIVE_ACCURACY (1 %)
 * of every value in it. Values at or below MIN (1 µs for seconds) share bin 0 and values above MAX
 * the last bin; estimates are clamped to the window's exact min and max, so those stay in range.
 *
 * Memory: one Uint32Array of `ageBuckets × BINS` counts per series (BINS = 1383: 5.4 KiB per age
 * bucket, 27 KiB per series with the default 5 age buckets) plus three numbers per age bucket,
 * whatever the number of observations. The series limit bounds the number of series.
 */

/** Relative accuracy of every quantile estimate (within the range below). */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);
/** Smallest value told apart from 0 (1 µs for seconds); bin 0 holds everything at or below it. */
export const SKETCH_MIN = 1e-6;
/** Largest value told apart from larger ones (11.6 days in seconds). */
export const SKETCH_MAX = 1e6;
/** Bin 0 for values ≤ MIN, then bins 1 … up to and including MAX. */
export const BINS = Math.ceil(Math.log(SKETCH_MAX / SKETCH_MIN) / LN_GAMMA) + 1;

/** The estimate of each bin, computed once for every sketch. */
const ESTIMATES: Float64Array = (() => {
  const out = new Float64Array(BINS);
  for (let i = 1; i < BINS; i++) out[i] = (2 * SKETCH_MIN * GAMMA ** i) / (GAMMA + 1);
  return out;
})();

const LN_MIN = Math.log(SKETCH_MIN);
const INV_LN_GAMMA = 1 / LN_GAMMA;

/** The bin a valid (non-negative, finite) value falls in: one log and a multiply. */
export function binOf(v: number): number {
  if (v <= SKETCH_MIN) return 0;
  const i = Math.ceil((Math.log(v) - LN_MIN) * INV_LN_GAMMA);
  return i < BINS ? i : BINS - 1;
}

/** How a summary family's window is laid out; shared by all its series. */
export interface SummaryWindow {
  /** Quantiles to report, increasing, each in (0, 1). */
  readonly quantiles: readonly number[];
  readonly maxAgeSeconds: number;
  readonly ageBuckets: number;
  /** Milliseconds one age bucket covers: maxAgeSeconds × 1000 / ageBuckets. */
  readonly slotMs: number;
  /** Monotonic milliseconds (the lens clock). */
  readonly clock: () => number;
}

/** Counts merged from the live age buckets: scratch reused by every collection of every series. */
const merged = new Float64Array(BINS);

/**
 * Estimates, for each of `quantiles` (increasing), the value of rank ⌊q·(n − 1)⌋ among the `n`
 * values of the live age buckets: those whose tick lies within `ageBuckets` of `tick`. NaN for
 * every quantile when the window is empty, as prom-client and the Prometheus clients report it.
 */
export function windowQuantiles(
  counts: Uint32Array,
  ticks: Float64Array,
  mins: Float64Array,
  maxs: Float64Array,
  tick: number,
  quantiles: readonly number[],
): number[] {
  const slots = ticks.length;
  merged.fill(0);
  let n = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let s = 0; s < slots; s++) {
    if (!(ticks[s]! > tick - slots && ticks[s]! <= tick)) continue;
    const base = s * BINS;
    for (let i = 0; i < BINS; i++) merged[i]! += counts[base + i]!;
    if (mins[s]! < min) min = mins[s]!;
    if (maxs[s]! > max) max = maxs[s]!;
  }
  for (let i = 0; i < BINS; i++) n += merged[i]!;
  const out = new Array<number>(quantiles.length).fill(Number.NaN);
  if (n === 0) return out;
  let bin = 0;
  let cumulative = merged[0]!;
  for (let q = 0; q < quantiles.length; q++) {
    const rank = quantiles[q]! * (n - 1);
    while (cumulative <= rank && bin < BINS - 1) cumulative += merged[++bin]!;
    const estimate = bin === 0 ? min : ESTIMATES[bin]!;
    out[q] = Math.min(Math.max(estimate, min), max);
  }
  return out;
}
