/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a tiny, fast, seedable PRNG with a 2^32 period. Enough for a simulation, and the same
 * seed gives the same sequence on every runtime, which `Math.random()` cannot.
 *
 * @example
 * const rng = mulberry32(42);
 * rng(); // 0.6011037519201636, every time
 */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for the `n`-th stream of a run, so each request draws from its own stream and its
 * output does not depend on how requests were interleaved. */
export function deriveSeed(seed: number, n: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(n >>> 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** An integer in [min, max]. */
export function randomInt(rng: Random, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** Trials until the first success of probability `p` (geometric, support 1, 2, …). */
export function geometric(rng: Random, p: number): number {
  if (p >= 1) return 1;
  if (p <= 0) return Number.POSITIVE_INFINITY;
  return 1 + Math.floor(Math.log(1 - rng()) / Math.log(1 - p));
}
