import { createLens, schema } from '@inferlens/core/internal';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../src/browser/parse.js';
import { addToBuckets, type SeriesBuckets, seriesQuantile } from '../src/browser/quantile.js';
import { stepBetween, windowOf } from '../src/browser/window.js';

const REQUESTS = schema.httpRequests.prometheus;
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

describe('seriesQuantile over bucket samples', () => {
  const sample = (labels: Record<string, string>, into: SeriesBuckets, v: number) =>
    addToBuckets(into, labels, v);

  it('keeps series apart and adds one series over steps, as increase() does', () => {
    const into: SeriesBuckets = new Map();
    sample({ route: '/a', le: '0.5' }, into, 2);
    sample({ le: '0.5', route: '/a' }, into, 3); // the same series, labels in another order
    sample({ route: '/a', le: '+Inf' }, into, 7);
    sample({ route: '/b', le: '+Inf' }, into, 1);
    sample({ route: '/a' }, into, 9); // no le: not a bucket
    sample({ route: '/a', le: 'x' }, into, 9);
    expect([...into.values()].map((m) => [...m])).toEqual([
      [
        [0.5, 5],
        [Number.POSITIVE_INFINITY, 7],
      ],
      [[Number.POSITIVE_INFINITY, 1]],
    ]);
  });

  it('interpolates as Prometheus does, bounds in any order, and NaN without a +Inf bucket', () => {
    const into: SeriesBuckets = new Map();
    for (const [le, v] of [
      ['+Inf', 4],
      ['1', 4],
      ['0.5', 3],
      ['0.1', 1],
    ] as const)
      sample({ le }, into, v);
    expect(seriesQuantile(0.5, into)).toBeCloseTo(0.3, 12);
    const noInf: SeriesBuckets = new Map();
    sample({ le: '1' }, noInf, 3);
    expect(seriesQuantile(0.5, noInf)).toBeNaN();
  });

  it('combines series of different layouts (ours and TGI) without a 2560 s p95 for 2 s requests (#11)', () => {
    const into: SeriesBuckets = new Map();
    for (const [le, v] of [
      ['0.5', 0],
      ['1', 0],
      ['2.5', 50],
      ['5', 50],
      ['+Inf', 50],
    ] as const)
      sample({ engine: 'inferlens', le }, into, v);
    for (const [le, v] of [
      ['0.64', 0],
      ['2.56', 50],
      ['40.96', 50],
      ['2560', 50],
      ['+Inf', 50],
    ] as const)
      sample({ engine: 'tgi', le }, into, v);
    const p95 = seriesQuantile(0.95, into);
    expect(p95).toBeGreaterThan(1.9);
    expect(p95).toBeLessThanOrEqual(2.56);
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
