import { histogramQuantile as testkitQuantile } from '@inferlens/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToBuckets,
  type SeriesBuckets,
  seriesQuantile,
} from '../packages/dashboard/src/browser/quantile.js';

/**
 * The dashboard page's path from scraped cumulative `le` samples to a quantile against testkit's
 * from core's per-bucket counts: both end in core's one `histogramQuantile` (issue #11), so this
 * checks what each feeds it.
 */
describe('the dashboard quantile agrees with testkit on any histogram', () => {
  it('for every q in (0, 1]', () => {
    const histogram = fc
      .uniqueArray(fc.double({ min: 0.001, max: 1e4, noNaN: true }), {
        minLength: 1,
        maxLength: 20,
      })
      .map((bounds) => bounds.sort((a, b) => a - b))
      .chain((bounds) =>
        fc.record({
          bounds: fc.constant(bounds),
          counts: fc.array(fc.nat(50), {
            minLength: bounds.length + 1,
            maxLength: bounds.length + 1,
          }),
          q: fc.double({ min: 0, max: 1, noNaN: true, minExcluded: true }),
        }),
      );
    fc.assert(
      fc.property(histogram, ({ bounds, counts, q }) => {
        // What /metrics writes: cumulative counts per `le`, the last being +Inf.
        const scraped: SeriesBuckets = new Map();
        let cumulative = 0;
        counts.forEach((c, i) => {
          cumulative += c;
          addToBuckets(scraped, { le: i < bounds.length ? String(bounds[i]) : '+Inf' }, cumulative);
        });
        const ours = seriesQuantile(q, scraped);
        const theirs = testkitQuantile(q, bounds, counts);
        if (Number.isNaN(theirs)) expect(ours).toBeNaN();
        else expect(ours).toBeCloseTo(theirs, 9);
      }),
      { numRuns: 2000 },
    );
  });
});
