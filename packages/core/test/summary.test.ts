import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLens, Store, SUMMARY_DEFAULTS, schema } from '../src/internal.js';
import { manualLens } from './helpers.js';

const NAME = schema.httpRequestDurationSummary.prometheus;

/** Deterministic uniform numbers in (0, 1): Numerical Recipes' LCG, so a failure replays. */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
}

/** Asserts `got` is within the sketch's 1 % of `want`. */
function near(got: number, want: number): void {
  expect(Math.abs(got - want) / want, `${got} vs ${want}`).toBeLessThanOrEqual(0.01 + 1e-12);
}

/** The value of rank ⌊q·(n − 1)⌋, the one the sketch estimates. */
function exact(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

describe('summary series', () => {
  it('estimates quantiles within 1 % of the exact ones on random data', () => {
    const rnd = random(42);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const datasets: Record<string, () => number> = {
      // Latencies: lognormal around 120 ms, spreading over four decades.
      lognormal: () => 0.12 * Math.exp(1.5 * normal()),
      uniform: () => 0.005 + rnd() * 30,
      // Fast cache hits and slow generations: two modes three decades apart.
      bimodal: () => (rnd() < 0.7 ? 0.002 + rnd() * 0.003 : 5 + rnd() * 60),
      heavyTail: () => 0.01 / (1 - rnd()) ** 1.2,
    };
    const quantiles = [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];
    for (const [name, draw] of Object.entries(datasets)) {
      const { lens } = manualLens();
      const s = lens.series('httpRequestDurationSummary', { route: name });
      const values: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const v = draw();
        values.push(v);
        s.observe(v);
      }
      values.sort((a, b) => a - b);
      for (const q of quantiles) {
        const want = exact(values, q);
        const got = s.quantile(q);
        expect(
          Math.abs(got - want) / want,
          `${name} q=${q}: ${got} vs ${want}`,
        ).toBeLessThanOrEqual(0.01 + 1e-12);
        expect(got, `${name} q=${q}`).not.toBe(want); // an estimate, not a stored value
      }
      expect(s.quantileValues()).toEqual(SUMMARY_DEFAULTS.quantiles.map((q) => s.quantile(q)));
      expect(s.count).toBe(values.length);
      expect(s.sum).toBeCloseTo(
        values.reduce((a, v) => a + v, 0),
        6,
      );
    }
  });

  it('reports the exact value when the window holds one distinct value, and 0 for zeros', () => {
    const { lens } = manualLens();
    const s = lens.series('httpRequestDurationSummary', { route: '/one' });
    for (let i = 0; i < 3; i++) s.observe(0.25);
    expect(s.quantileValues()).toEqual([0.25, 0.25, 0.25, 0.25]);
    const z = lens.series('httpRequestDurationSummary', { route: '/zero' });
    z.observe(0);
    z.observe(0);
    expect(z.quantile(0.99)).toBe(0);
  });

  it('forgets values older than the window, on the lens clock, while _sum and _count keep them', () => {
    // 60 s in 3 age buckets of 20 s: the window covers the last 40 to 60 s.
    const { lens, clock } = manualLens({
      summaries: { httpRequestDurationSummary: { maxAgeSeconds: 60, ageBuckets: 3 } },
    });
    const s = lens.series('httpRequestDurationSummary', { route: '/w' });
    clock.t = 1_000;
    for (let i = 0; i < 10; i++) s.observe(1);
    clock.t = 30_000;
    for (let i = 0; i < 10; i++) s.observe(10);
    clock.t = 59_999; // both age buckets are live
    near(s.quantile(0.1), 1);
    near(s.quantile(0.9), 10);
    clock.t = 60_000; // the bucket of [0 s, 20 s) has left the window: only the 10s remain
    expect(s.quantile(0.1)).toBe(10);
    // A time passed explicitly counts too (the middleware passes the time it already read).
    s.observe(2, 61_000);
    near(s.quantile(0.01), 2);
    clock.t = 100_000; // the bucket of [20 s, 40 s) has left as well
    expect(s.quantile(0.5)).toBe(2);
    clock.t = 140_000;
    expect(s.quantile(0.5)).toBeNaN();
    expect(s.count).toBe(21);
    expect(s.sum).toBe(112);
    // The same series fills again once values come back, reusing its age buckets.
    s.observe(3);
    expect(s.quantileValues()).toEqual([3, 3, 3, 3]);
  });

  it('counts a time from the past into the current age bucket rather than losing it', () => {
    const { lens, clock } = manualLens({
      summaries: { httpRequestDurationSummary: { maxAgeSeconds: 10, ageBuckets: 2 } },
    });
    const s = lens.series('httpRequestDurationSummary', {});
    clock.t = 50_000;
    s.observe(4);
    s.observe(8, 1_000);
    near(s.quantile(1), 8);
    expect(s.count).toBe(2);
  });

  it('has NaN quantiles for an empty window', () => {
    const { lens } = manualLens();
    const s = lens.series('httpRequestDurationSummary', {});
    expect(s.quantileValues()).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    expect(s.quantile(0.5)).toBeNaN();
  });

  it('counts NaN, negative and infinite values as invalid and never throws', () => {
    const store = new Store({ clock: () => 0 });
    const s = store.family('httpRequestDurationSummary').series(['GET', '/', '200', 'completed']);
    s.observe(0.5);
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(() => s.observe(bad)).not.toThrow();
    expect(s.count).toBe(1);
    expect(s.sum).toBe(0.5);
    expect(s.quantile(0.5)).toBe(0.5);
    expect(store.family('eventsDropped').series(['invalid_value']).value).toBe(4);
  });

  it('takes its window from createLens({ summaries }) and validates it loudly', () => {
    const lens = createLens({
      engine: 'e',
      summaries: { httpRequestDurationSummary: { quantiles: [0.5, 0.999] } },
    });
    expect(lens.store.family('httpRequestDurationSummary').summary).toMatchObject({
      quantiles: [0.5, 0.999],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      slotMs: 120_000,
    });
    const bad = (o: object) => () =>
      createLens({ engine: 'e', summaries: { httpRequestDurationSummary: o } });
    const prefix = '[@inferlens/core] summaries.httpRequestDurationSummary';
    expect(bad({ quantiles: [] })).toThrow(`${prefix}.quantiles: give at least one quantile`);
    expect(bad({ quantiles: [0.5, 1] })).toThrow(
      `${prefix}.quantiles: each must be a number between 0 and 1 (exclusive)`,
    );
    expect(bad({ quantiles: [0, 0.5] })).toThrow(/between 0 and 1/);
    expect(bad({ quantiles: [0.9, 0.5] })).toThrow(
      `${prefix}.quantiles: must be strictly increasing`,
    );
    expect(bad({ maxAgeSeconds: 0 })).toThrow(
      `${prefix}.maxAgeSeconds: must be a positive integer`,
    );
    expect(bad({ maxAgeSeconds: 1.5 })).toThrow(/maxAgeSeconds: must be a positive integer/);
    expect(bad({ ageBuckets: -2 })).toThrow(`${prefix}.ageBuckets: must be a positive integer`);
    expect(() => new Store({ summaries: { httpRequestDuration: {} } } as never)).toThrow(
      '[@inferlens/core] summaries: "httpRequestDuration" is not a summary',
    );
    expect(() => new Store({ summaries: { nope: {} } } as never)).toThrow(
      /unknown metric id "nope"/,
    );
    expect(() => new Store({ buckets: { httpRequestDurationSummary: [1] } } as never)).toThrow(
      /not a histogram/,
    );
  });
});

describe('summary exposition', () => {
  function summaryLens() {
    const { lens, clock } = manualLens({
      constLabels: { worker_id: 'w1' },
      summaries: { httpRequestDurationSummary: { quantiles: [0.5, 0.99], maxAgeSeconds: 60 } },
    });
    const live = lens.series('httpRequestDurationSummary', {
      method: 'GET',
      route: '/a',
      status: '200',
      outcome: 'completed',
    });
    live.observe(0.25, 0);
    live.observe(0.25, 0);
    const old = lens.series('httpRequestDurationSummary', { method: 'POST', route: '/b' });
    old.observe(1.5, 0);
    clock.t = 30_000;
    live.observe(0.25);
    clock.t = 65_000; // POST /b's only value has left the window; GET /a's last one has not
    return lens;
  }

  it('renders quantile samples, _sum and _count in the text format (golden)', () => {
    const text = summaryLens().render();
    const block = text.slice(text.indexOf(`# HELP ${NAME} `));
    expect(block.slice(0, block.indexOf('\n# HELP', 1) + 1)).toBe(
      [
        `# HELP ${NAME} ${schema.httpRequestDurationSummary.help}`,
        `# TYPE ${NAME} summary`,
        `${NAME}{method="GET",route="/a",status="200",outcome="completed",worker_id="w1",quantile="0.5"} 0.25`,
        `${NAME}{method="GET",route="/a",status="200",outcome="completed",worker_id="w1",quantile="0.99"} 0.25`,
        `${NAME}_sum{method="GET",route="/a",status="200",outcome="completed",worker_id="w1"} 0.75`,
        `${NAME}_count{method="GET",route="/a",status="200",outcome="completed",worker_id="w1"} 3`,
        `${NAME}{method="POST",route="/b",worker_id="w1",quantile="0.5"} NaN`,
        `${NAME}{method="POST",route="/b",worker_id="w1",quantile="0.99"} NaN`,
        `${NAME}_sum{method="POST",route="/b",worker_id="w1"} 1.5`,
        `${NAME}_count{method="POST",route="/b",worker_id="w1"} 1`,
        '',
      ].join('\n'),
    );
  });

  it('renders the same samples in OpenMetrics, with the unit', () => {
    const text = summaryLens().render('openmetrics');
    expect(text).toContain(
      `# TYPE ${NAME} summary\n# UNIT ${NAME} seconds\n${NAME}{method="GET",route="/a",status="200",outcome="completed",worker_id="w1",quantile="0.5"} 0.25\n`,
    );
    expect(text).toContain(`${NAME}_count{method="POST",route="/b",worker_id="w1"} 1\n`);
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('is accepted by promtool check metrics', () => {
    const text = summaryLens().render();
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe(
      '',
    );
    // The check can fail: a summary sample with a `le` label is reported.
    const broken = text.replace('quantile="0.5"', 'le="0.5"');
    expect(() =>
      execFileSync('promtool', ['check', 'metrics'], { input: broken, stdio: 'pipe' }),
    ).toThrow();
  });
});
