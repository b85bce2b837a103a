import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLens, histogramQuantile } from '../src/index.js';

const h = (bounds: number[], cumulative: number[]) => ({ bounds, cumulative });

describe('histogramQuantile: one histogram, as Prometheus computes it', () => {
  it('interpolates inside the bucket the rank falls in', () => {
    // 4 observations: 1 ≤ 0.1, 2 in (0.1, 0.5], 1 in (0.5, 1].
    const one = h([0.1, 0.5, 1], [1, 3, 4, 4]);
    expect(histogramQuantile(0.5, one)).toBeCloseTo(0.3, 12); // rank 2: 0.1 + 0.4 × (1/2)
    expect(histogramQuantile(0.25, one)).toBeCloseTo(0.1, 12); // rank 1: top of the first bucket
    expect(histogramQuantile(0.1, one)).toBeCloseTo(0.04, 12); // rank 0.4 inside [0, 0.1]
    expect(histogramQuantile(0.95, one)).toBeCloseTo(0.9, 12); // rank 3.8: 0.5 + 0.5 × 0.8
    expect(histogramQuantile(1, one)).toBe(1);
  });

  it('follows Prometheus at the edges', () => {
    const inInf = h([1, 2], [1, 1, 10]);
    expect(histogramQuantile(0.9, inInf)).toBe(2); // rank in +Inf: the highest finite bound
    expect(histogramQuantile(0.5, h([1], [0, 0]))).toBeNaN();
    expect(histogramQuantile(0.5, h([], [5]))).toBeNaN(); // only +Inf
    expect(histogramQuantile(0.5, [])).toBeNaN();
    expect(histogramQuantile(-0.1, inInf)).toBe(Number.NEGATIVE_INFINITY);
    expect(histogramQuantile(1.1, inInf)).toBe(Number.POSITIVE_INFINITY);
    expect(histogramQuantile(Number.NaN, inInf)).toBeNaN();
    expect(histogramQuantile(0.75, h([1, 2], [4, 3, 4]))).toBeCloseTo(0.75, 12); // a dip is raised
    expect(histogramQuantile(0, h([1, 2, 3], [0, 3, 3, 3]))).toBe(1); // leading empty buckets
    expect(histogramQuantile(0.5, h([-1, 0, 1], [2, 2, 2, 2]))).toBe(-1); // a first bound ≤ 0
  });

  it('agrees with the histogram the store records', () => {
    const lens = createLens({ engine: 'e' });
    const s = lens.series('timeToFirstToken', { model_name: 'm' });
    for (let i = 1; i <= 100; i++) s.observe(i / 100);
    const cumulative: number[] = [];
    let c = 0;
    for (const n of s.counts) cumulative.push((c += n));
    const p50 = histogramQuantile(0.5, { bounds: s.bounds, cumulative });
    expect(p50).toBeGreaterThan(0.4);
    expect(p50).toBeLessThanOrEqual(0.6);
  });
});

describe('histogramQuantile: several histograms (#11)', () => {
  it('of one layout, equals the quantile of their bucket sums', () => {
    const histogram = fc.array(fc.nat(20), { minLength: 4, maxLength: 4 }).map((counts) =>
      counts.map(
        (
          (sum) => (n: number) =>
            (sum += n)
        )(0),
      ),
    );
    fc.assert(
      fc.property(
        fc.array(histogram, { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (list, q) => {
          const bounds = [0.5, 1, 2.5];
          const summed = [0, 1, 2, 3].map((i) => list.reduce((n, c) => n + c[i]!, 0));
          const apart = histogramQuantile(
            q,
            list.map((c) => h(bounds, c)),
          );
          const together = histogramQuantile(q, h(bounds, summed));
          if (Number.isNaN(together)) expect(apart).toBeNaN();
          else expect(apart).toBeCloseTo(together, 9);
        },
      ),
    );
  });

  it('of different layouts (ours and TGI-like), keeps a true 2 s p95 near 2 s', () => {
    // 100 requests of 2 s in our layout, 100 in a layout whose buckets grow to 2560 s.
    const ours = h([0.5, 1, 2.5, 5, 10], [0, 0, 100, 100, 100, 100]);
    const tgi = h(
      [0.0025, 0.04, 0.64, 2.56, 40.96, 655.36, 2560],
      [0, 0, 0, 100, 100, 100, 100, 100],
    );
    const p95 = histogramQuantile(0.95, [ours, tgi]);
    expect(p95).toBeGreaterThan(1.9);
    expect(p95).toBeLessThanOrEqual(2.56);
    // What adding the buckets by `le` gave: counts landing under bounds that mean other buckets.
    const byLe = new Map<number, number>();
    for (const x of [ours, tgi])
      x.bounds.forEach((b, i) => {
        byLe.set(b, (byLe.get(b) ?? 0) + x.cumulative[i]!);
      });
    const les = [...byLe.keys()].sort((a, b) => a - b);
    const wrong = histogramQuantile(0.95, h(les, [...les.map((b) => byLe.get(b)!), 200]));
    expect(wrong).toBeGreaterThan(100);
  });
});
