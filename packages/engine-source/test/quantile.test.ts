import { histogramQuantile } from '@inferlens/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramDelta, quantileOf } from '../src/internal.js';

describe('quantileOf', () => {
  it('agrees with testkit histogramQuantile (Prometheus semantics) on any histogram', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 50 }), { minLength: 2, maxLength: 12 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (counts, q) => {
          const bounds = counts.slice(0, -1).map((_, i) => (i + 1) * 0.1);
          let c = 0;
          const cumulative = counts.map((n) => (c += n));
          const ours = quantileOf(q, { bounds, cumulative, sum: 0, count: c });
          const theirs = histogramQuantile(q, Float64Array.from(bounds), Float64Array.from(counts));
          if (c === 0) expect(ours).toBeUndefined();
          else expect(ours).toBeCloseTo(theirs, 9);
        },
      ),
    );
  });

  it('subtracts snapshots, and refuses a reset or other bounds', () => {
    const a = { bounds: [1, 2], cumulative: [1, 2, 3], sum: 3, count: 3 };
    const b = { bounds: [1, 2], cumulative: [2, 5, 6], sum: 9, count: 6 };
    expect(histogramDelta(b, a)).toEqual({
      bounds: [1, 2],
      cumulative: [1, 3, 3],
      sum: 6,
      count: 3,
    });
    expect(histogramDelta(a, b)).toBeUndefined();
    expect(histogramDelta(b, { ...a, bounds: [1, 3] })).toBeUndefined();
  });
});
