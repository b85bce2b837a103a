import { createLens } from '@inferlens/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramQuantile, sumCounts } from '../src/index.js';

describe('histogramQuantile', () => {
  const bounds = [1, 2, 4];

  it('interpolates inside the bucket the rank falls in, as histogram_quantile does', () => {
    const counts = [2, 2, 0, 0];
    expect(histogramQuantile(0.5, bounds, counts)).toBe(1);
    expect(histogramQuantile(0.75, bounds, counts)).toBe(1.5);
    expect(histogramQuantile(1, bounds, counts)).toBe(2);
    expect(histogramQuantile(0.25, bounds, counts)).toBe(0.5);
    expect(histogramQuantile(0.5, bounds, [0, 0, 4, 0])).toBe(3);
  });

  it('answers the highest finite bound for ranks in +Inf, NaN when empty, ±Inf outside [0, 1]', () => {
    expect(histogramQuantile(0.5, bounds, [0, 0, 1, 3])).toBe(4);
    expect(histogramQuantile(0.5, bounds, [0, 0, 0, 0])).toBeNaN();
    expect(histogramQuantile(-0.1, bounds, [1, 0, 0, 0])).toBe(Number.NEGATIVE_INFINITY);
    expect(histogramQuantile(1.1, bounds, [1, 0, 0, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(histogramQuantile(0, bounds, [0, 3, 0, 0])).toBe(1);
    expect(() => histogramQuantile(0.5, bounds, [1, 2])).toThrow(/@inferlens\/testkit/);
  });

  it('lands in the bucket of the exact quantile of what a lens histogram observed', () => {
    const lens = createLens({ engine: 'q' });
    const ttft = lens.handles('m').timeToFirstToken;
    const b = [...ttft.bounds];
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 3000, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (values, q) => {
          const counts = new Float64Array(b.length + 1);
          for (const v of values) {
            let i = 0;
            while (i < b.length && v > b[i]!) i++;
            counts[i]!++;
          }
          const sorted = [...values].sort((x, y) => x - y);
          const exact = sorted[Math.max(0, Math.ceil(q * values.length) - 1)]!;
          const estimate = histogramQuantile(q, b, counts);
          const k = b.findIndex((bound) => exact <= bound);
          if (k === -1) return estimate === b.at(-1);
          const lower = k === 0 ? 0 : b[k - 1]!;
          return estimate >= lower - 1e-12 && estimate <= b[k]! + 1e-12;
        },
      ),
    );
    // And on a real series: 90 fast requests and 10 slow ones.
    for (let i = 0; i < 90; i++) ttft.observe(0.03);
    for (let i = 0; i < 10; i++) ttft.observe(3);
    expect(histogramQuantile(0.5, ttft.bounds, ttft.counts)).toBeGreaterThan(0.02);
    expect(histogramQuantile(0.5, ttft.bounds, ttft.counts)).toBeLessThanOrEqual(0.04);
    expect(histogramQuantile(0.95, ttft.bounds, ttft.counts)).toBeGreaterThan(2.5);
    expect(histogramQuantile(0.95, ttft.bounds, ttft.counts)).toBeLessThanOrEqual(5);
  });

  it('sums counts bucket by bucket', () => {
    expect([...sumCounts(new Float64Array(3), [1, 2, 3])]).toEqual([1, 2, 3]);
    expect([...sumCounts(new Float64Array([1, 1, 1]), [1, 2, 3])]).toEqual([2, 3, 4]);
  });
});
