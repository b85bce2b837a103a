import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENGINE_EVENTS,
  instrument,
  type Lens,
  type RequestTracker,
  recordStats,
  timeStream,
} from '../src/internal.js';
import { manualLens, samples } from './helpers.js';

/** Values nobody should pass where a number belongs, and some that are numbers but out of range. */
const throwingGetters = Object.defineProperties(
  {},
  Object.fromEntries(
    [
      'id',
      'model',
      'time',
      'tokens',
      'count',
      'finishReason',
      'promptTokens',
      'generationTokens',
      'cachedTokens',
      'kvCacheUsage',
      'batchSize',
      'valueOf',
      'toString',
    ].map((k) => [
      k,
      {
        enumerable: true,
        get: () => {
          throw new Error(`getter ${k}`);
        },
      },
    ]),
  ),
);
const throwingProxy = new Proxy(
  {},
  {
    // fast-check names the proxy through its toStringMethod when it reports a counterexample.
    get: (_, k) => {
      if (k === fc.toStringMethod) return () => 'throwingProxy';
      throw new Error('proxy');
    },
    has: (_, k) => k === fc.toStringMethod,
    ownKeys: () => {
      throw new Error('proxy');
    },
  },
);
Object.defineProperty(throwingGetters, fc.toStringMethod, { value: () => 'throwingGetters' });
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withBoxedValues: true,
  }),
  fc.double(),
  fc.integer({ min: -5, max: 50 }),
  fc.constantFrom<unknown>(
    Symbol('s'),
    10n,
    new Date(0),
    [3],
    '7',
    null,
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.MAX_VALUE,
    1e308,
    2 ** 53,
    -0,
    throwingGetters,
    throwingProxy,
  ),
);
const payload: fc.Arbitrary<unknown> = fc.oneof(
  hostile,
  fc.record(
    {
      id: fc.oneof(fc.integer({ min: 0, max: 3 }), hostile),
      model: hostile,
      time: hostile,
      tokens: hostile,
      count: hostile,
      finishReason: hostile,
      promptTokens: hostile,
      generationTokens: hostile,
      errorType: hostile,
      kvCacheUsage: hostile,
      prefixCacheQueries: hostile,
      batchSize: hostile,
    },
    { requiredKeys: ['id'] },
  ),
);

const TRACKER_CALLS = [
  'queued',
  'started',
  'preempted',
  'firstToken',
  'tokens',
  'finish',
  'fail',
  'abort',
] as const;
type Op =
  | { kind: 'request'; options: unknown }
  | { kind: 'tracker'; which: number; call: (typeof TRACKER_CALLS)[number]; args: unknown[] }
  | {
      kind: 'series';
      call: 'inc' | 'set' | 'add' | 'observe' | 'summary';
      v: unknown;
      time: unknown;
    }
  | { kind: 'emit'; event: string; payload: unknown }
  | { kind: 'stats'; payload: unknown }
  | { kind: 'stream'; chunks: unknown[] };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('request' as const), options: payload }),
  fc.record({
    kind: fc.constant('tracker' as const),
    which: fc.nat(5),
    call: fc.constantFrom(...TRACKER_CALLS),
    args: fc.array(payload, { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('series' as const),
    call: fc.constantFrom('inc', 'set', 'add', 'observe', 'summary' as const),
    v: hostile,
    time: hostile,
  }),
  fc.record({
    kind: fc.constant('emit' as const),
    event: fc.constantFrom(...ENGINE_EVENTS),
    payload,
  }),
  fc.record({ kind: fc.constant('stats' as const), payload }),
  // A chunk whose `then` throws is left out: an async generator awaits what it yields, so that one
  // breaks any async iteration, ours or not.
  fc.record({
    kind: fc.constant('stream' as const),
    chunks: fc.array(
      payload.filter((c) => c !== throwingProxy),
      { maxLength: 5 },
    ),
  }),
);

/** Every number the store holds for counters and histograms, keyed by family and series. */
function counterValues(lens: Lens): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of lens.store.families())
    for (const s of f.all()) {
      const key = `${f.id}{${s.labelText}}`;
      if (s.kind === 'counter') out.set(key, s.value);
      else if (s.kind === 'histogram') {
        out.set(`${key}sum`, s.sum);
        out.set(`${key}count`, s.count);
        for (let i = 0; i < s.counts.length; i++) out.set(`${key}b${i}`, s.counts[i]!);
      } else if (s.kind === 'summary') {
        out.set(`${key}sum`, s.sum);
        out.set(`${key}count`, s.count);
      }
    }
  return out;
}

function gaugesFinite(lens: Lens): boolean {
  for (const f of lens.store.families())
    for (const s of f.all())
      if (s.kind === 'gauge' && !(typeof s.value === 'number' && Number.isFinite(s.value)))
        return false;
  return true;
}

describe('strict numbers at every public recording entry point (issue #11)', () => {
  it('arbitrary JS values never throw, keep counters finite and monotone, gauges return to 0, and the exposition valid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const { lens, clock } = manualLens();
        const sentinel = lens.request({ model: 'sentinel' });
        sentinel.queued();
        clock.t = 20;
        sentinel.started();
        sentinel.tokens(4);
        sentinel.finish({ promptTokens: 9, finishReason: 'length' });
        const before = samples(lens.render());
        const engine = new EventEmitter();
        const handle = instrument(engine, { lens, model: 'engine-model' });
        const trackers: RequestTracker[] = [lens.request({ model: 'pool' })];
        const counter = lens.series('prefixCacheHits', { model_name: 'direct' });
        const gauge = lens.series('kvCacheUsage', { model_name: 'direct' });
        const histogram = lens.series('batchSize', { model_name: 'direct' });
        const summary = lens.series('httpRequestDurationSummary', { method: 'GET', route: '/' });
        let last = counterValues(lens);
        for (const o of ops) {
          clock.t += 7;
          if (o.kind === 'request') trackers.push(lens.request(o.options as { model: string }));
          else if (o.kind === 'tracker') {
            const t = trackers[o.which % trackers.length]!;
            (t[o.call] as (...a: unknown[]) => void)(...o.args);
          } else if (o.kind === 'series') {
            const v = o.v as number;
            if (o.call === 'inc') counter.inc(v);
            else if (o.call === 'set') gauge.set(v);
            else if (o.call === 'add') gauge.add(v);
            else if (o.call === 'observe') histogram.observe(v);
            else summary.observe(v, o.time as number);
          } else if (o.kind === 'emit') engine.emit(o.event, o.payload);
          else if (o.kind === 'stats') recordStats(lens, o.payload as never);
          else {
            const r = lens.request({ model: 'stream' });
            const source = (async function* () {
              yield* o.chunks;
            })();
            for await (const _ of timeStream(r, source, {
              tokens: (c) => c as number,
              finish: (c) => c as never,
              errorType: (e) => e as string,
            }));
          }
          const now = counterValues(lens);
          for (const [k, v] of now) {
            expect(typeof v === 'number' && Number.isFinite(v), `${k} = ${String(v)}`).toBe(true);
            expect(v, k).toBeGreaterThanOrEqual(last.get(k) ?? 0);
          }
          expect(gaugesFinite(lens)).toBe(true);
          last = now;
        }
        for (const t of trackers) t.abort();
        handle.stop();
        for (const id of ['requestsRunning', 'requestsWaiting'] as const)
          for (const s of lens.store.family(id).all())
            expect(s.value, `${id}{${s.labelText}}`).toBe(0);
        const text = lens.render();
        const after = samples(text);
        for (const [k, v] of before)
          if (k.includes('model_name="sentinel"')) expect(after.get(k), k).toBe(v);
        expect(
          execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' }),
        ).toBe('');
        expect(lens.render('openmetrics').endsWith('# EOF\n')).toBe(true);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('refuses, and counts, what JavaScript would coerce or join: strings, arrays, Dates, BigInt, Symbols', () => {
    const { lens } = manualLens();
    const c = lens.series('promptTokens', { model_name: 'm' });
    const h = lens.series('batchSize', { model_name: 'm' });
    for (const v of ['5', [2], new Date(1), 3n, Symbol('x'), null, Number.NaN, -1]) {
      c.inc(v as number);
      h.observe(v as number);
    }
    expect(c.value).toBe(0);
    expect([h.count, h.sum]).toEqual([0, 0]);
    c.inc(Number.MAX_VALUE);
    c.inc(Number.MAX_VALUE); // would be Infinity
    expect(c.value).toBe(Number.MAX_VALUE);
    h.observe(Number.MAX_VALUE);
    h.observe(Number.MAX_VALUE);
    expect(h.sum).toBe(Number.MAX_VALUE);
    expect(lens.store.family('eventsDropped').series(['invalid_value']).value).toBe(18);
  });

  it('finish(null), getters that throw, and Symbols reach no caller', () => {
    const { lens } = manualLens();
    const h = lens.handles('m');
    const calls: ((r: RequestTracker) => void)[] = [
      (r) => r.finish(null as never),
      (r) => r.finish(throwingGetters as never),
      (r) => r.tokens(Symbol('t') as never),
      (r) => r.fail(Symbol('e') as never, Symbol('t') as never, null as never),
      (r) => r.abort(10n as never, throwingProxy as never),
    ];
    for (const call of calls) {
      const r = lens.request({ model: 'm', time: Symbol('x') as never });
      r.started();
      expect(() => call(r)).not.toThrow();
    }
    expect(() => lens.request(throwingGetters as never)).not.toThrow();
    expect(() => recordStats(lens, throwingProxy as never)).not.toThrow();
    expect(() => recordStats(lens, { kvCacheUsage: Symbol('k') } as never)).not.toThrow();
    expect(h.requestsRunning.value).toBe(1); // the request given a Symbol token count runs on
    expect(
      samples(lens.render()).get(
        'llm_requests_total{model_name="m",engine="test-engine",finish_reason="stop"}',
      ),
    ).toBe(2);
  });
});
