import { createLens, schema } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../src/dashboard/parse.js';
import { addToBuckets, histogramQuantile } from '../src/dashboard/quantile.js';
import { stepBetween, windowOf } from '../src/dashboard/window.js';

const REQUESTS = schema.httpRequests.prometheus;
const buckets = (pairs: [number, number][]) => new Map(pairs);

describe('parseExposition', () => {
  it('reads what core renders, in both formats, escapes and all', () => {
    const tricky = 'a "quoted" \\ back\nslash';
    const lens = createLens({ engine: 'e', constLabels: { pod: tricky } });
    const labels = { method: 'GET', route: '/v1/{x}', status: '200', outcome: 'completed' };
    lens.series('httpRequests', labels).inc(3);
    lens.series('httpRequestDuration', labels).observe(0.3);
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const samples = parseExposition(lens.render(format));
      const counter = samples.find((s) => s.name === REQUESTS);
      expect(counter?.value, format).toBe(3);
      expect({ ...counter?.labels }).toEqual({ ...labels, pod: tricky });
      const inf = samples.find(
        (s) =>
          s.name === `${schema.httpRequestDuration.prometheus}_bucket` && s.labels.le === '+Inf',
      );
      expect(inf?.value, format).toBe(1);
      // Same series, same key, so scrapes can be diffed by key.
      expect(counter?.key).toBe(
        parseExposition(lens.render(format)).find((s) => s.name === REQUESTS)?.key,
      );
    }
  });

  it('skips comments, timestamps and exemplars, and lines it cannot read', () => {
    const text = [
      '# HELP x_total A counter.',
      '# TYPE x_total counter',
      'x_total{a="1"} 5 1712345678000',
      'x_bucket{le="0.5"} 2 # {trace_id="abc"} 0.3 1712345678.1',
      'y NaN',
      'y_inf +Inf',
      'y_minus -Inf',
      'broken{a="1" 3',
      'nolabels_value',
      'z{a="1"} notanumber',
      '# EOF',
      '',
    ].join('\r\n');
    const samples = parseExposition(text);
    expect(samples.map((s) => [s.name, s.value])).toEqual([
      ['x_total', 5],
      ['x_bucket', 2],
      ['y', Number.NaN],
      ['y_inf', Number.POSITIVE_INFINITY],
      ['y_minus', Number.NEGATIVE_INFINITY],
    ]);
    expect(samples[1]?.labels.le).toBe('0.5');
    // A label called __proto__ is plain data.
    const [odd] = parseExposition('w{__proto__="p",constructor="c"} 1\n');
    expect(Object.getOwnPropertyDescriptor(odd?.labels, '__proto__')?.value).toBe('p');
    expect(Object.keys(odd?.labels ?? {})).toEqual(['__proto__', 'constructor']);
  });
});

describe('histogramQuantile', () => {
  it('interpolates inside the bucket the rank falls in, as Prometheus does', () => {
    // 4 observations: 1 ≤ 0.1, 2 in (0.1, 0.5], 1 in (0.5, 1].
    const h = buckets([
      [0.1, 1],
      [0.5, 3],
      [1, 4],
      [Number.POSITIVE_INFINITY, 4],
    ]);
    expect(histogramQuantile(0.5, h)).toBeCloseTo(0.3, 12); // rank 2: 0.1 + 0.4 × (1/2)
    expect(histogramQuantile(0.25, h)).toBeCloseTo(0.1, 12); // rank 1: top of the first bucket
    expect(histogramQuantile(0.1, h)).toBeCloseTo(0.04, 12); // rank 0.4 inside [0, 0.1]
    expect(histogramQuantile(0.95, h)).toBeCloseTo(0.9, 12); // rank 3.8: 0.5 + 0.5 × 0.8
    expect(histogramQuantile(1, h)).toBe(1);
  });

  it('follows Prometheus at the edges', () => {
    const inInf = buckets([
      [1, 1],
      [2, 1],
      [Number.POSITIVE_INFINITY, 10],
    ]);
    expect(histogramQuantile(0.9, inInf)).toBe(2); // rank in +Inf: the highest finite bound
    expect(histogramQuantile(0.5, buckets([[1, 3]]))).toBeNaN(); // no +Inf bucket
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [1, 0],
          [Number.POSITIVE_INFINITY, 0],
        ]),
      ),
    ).toBeNaN();
    expect(histogramQuantile(-0.1, inInf)).toBe(Number.NEGATIVE_INFINITY);
    expect(histogramQuantile(1.1, inInf)).toBe(Number.POSITIVE_INFINITY);
    expect(histogramQuantile(Number.NaN, inInf)).toBeNaN();
    // A count that went down with `le` (a scrape taken mid-update) is raised to the one below.
    const dip = buckets([
      [1, 4],
      [2, 3],
      [Number.POSITIVE_INFINITY, 4],
    ]);
    expect(histogramQuantile(0.75, dip)).toBeCloseTo(0.75, 12);
    // Bounds arrive in any order (they are summed from several series).
    const shuffled = buckets([
      [Number.POSITIVE_INFINITY, 4],
      [1, 4],
      [0.5, 3],
      [0.1, 1],
    ]);
    expect(histogramQuantile(0.5, shuffled)).toBeCloseTo(0.3, 12);
  });

  it('sums bucket samples by bound, as `sum by (le)` does', () => {
    const into = new Map<number, number>();
    addToBuckets(into, '0.5', 2);
    addToBuckets(into, '0.5', 3);
    addToBuckets(into, '+Inf', 7);
    addToBuckets(into, undefined, 9);
    addToBuckets(into, 'x', 9);
    expect([...into]).toEqual([
      [0.5, 5],
      [Number.POSITIVE_INFINITY, 7],
    ]);
  });
});

describe('stepBetween and windowOf', () => {
  const sample = (name: string, value: number, key = name) => ({ name, labels: {}, value, key });
  const cumulative = new Set(['c_total']);

  it('takes increases of cumulative samples only, across resets and new series', () => {
    const prev = {
      at: 10,
      samples: [sample('c_total', 10, 'a'), sample('c_total', 5, 'b'), sample('g', 3)],
    };
    const cur = {
      at: 12,
      samples: [
        sample('c_total', 14, 'a'), // +4
        sample('c_total', 2, 'b'), // restarted: +2
        sample('c_total', 6, 'new'), // created since: +6
        sample('g', 1), // a gauge: not an increase
      ],
    };
    const step = stepBetween(prev, cur, cumulative);
    expect(step.seconds).toBe(2);
    expect(step.increases.map((s) => [s.key, s.value])).toEqual([
      ['a', 4],
      ['b', 2],
      ['new', 6],
    ]);
  });

  it('adds steps up per series and in time, keeping the newest that cover the window', () => {
    const steps = [
      { seconds: 2, increases: [sample('c_total', 4, 'a')] },
      { seconds: 2.5, increases: [sample('c_total', 1, 'a'), sample('c_total', 3, 'b')] },
    ];
    const w = windowOf(steps, 10);
    expect(w?.seconds).toBe(4.5);
    expect(w?.increases.map((s) => [s.key, s.value])).toEqual([
      ['a', 5],
      ['b', 3],
    ]);
    expect(steps[0]?.increases[0]?.value).toBe(4); // the steps themselves are not summed into
    // Six 2 s steps, a 10 s window: the oldest goes, the five newest cover exactly 10 s.
    const many = Array.from({ length: 6 }, (_, i) => ({
      seconds: 2,
      increases: [sample('c_total', i + 1, 'a')],
    }));
    expect(windowOf(many, 10)).toMatchObject({
      seconds: 10,
      increases: [{ value: 2 + 3 + 4 + 5 + 6 }],
    });
    expect(many).toHaveLength(5);
    // One long step (a scrape that failed in between) is kept whole rather than dropped.
    expect(windowOf([{ seconds: 30, increases: [] }], 10)?.seconds).toBe(30);
    expect(windowOf([], 10)).toBeUndefined();
  });
});
