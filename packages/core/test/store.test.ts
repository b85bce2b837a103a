import { describe, expect, it } from 'vitest';
import { createLens, Store } from '../src/internal.js';

describe('Store', () => {
  it('folds label sets past the series limit into one overflow series and counts them', () => {
    const store = new Store({ seriesLimit: { requests: 3 } });
    const f = store.family('requests');
    for (let i = 0; i < 10; i++) f.series(['m', 'e', `reason${i}`]).inc();
    expect(f.size).toBe(4);
    const overflow = [...f.all()].find((s) => s.overflow)!;
    expect(overflow.value).toBe(7);
    expect(overflow.labelText).toBe('otel_metric_overflow="true"');
    const folded = store.family('seriesOverflow').series(['requests']);
    expect(folded.value).toBe(7);
  });

  it('counts each folded label set once, however often it is looked up, as its help says (#11)', () => {
    const store = new Store({ seriesLimit: { requests: 2 } });
    const f = store.family('requests');
    f.series(['m', 'e', 'a']);
    f.series(['m', 'e', 'b']);
    for (let i = 0; i < 5; i++) f.series(['m', 'e', 'x']).inc(); // one request each
    f.series(['m', 'e', 'y']).inc();
    expect(store.family('seriesOverflow').series(['requests']).value).toBe(2);
    expect([...f.all()].find((s) => s.overflow)!.value).toBe(6);
    expect(store.family('seriesOverflow').def.help).toMatch(/^Distinct label sets/);
  });

  it('remembers at most seriesLimit folded label sets, counting each lookup past that', () => {
    const store = new Store({ seriesLimit: { requests: 1 } });
    const f = store.family('requests');
    f.series(['m', 'e', 'a']);
    for (let i = 0; i < 3; i++) f.series(['m', 'e', 'x']);
    for (let i = 0; i < 3; i++) f.series(['m', 'e', 'y']);
    expect(store.family('seriesOverflow').series(['requests']).value).toBe(4);
  });

  it('returns the same handle for the same labels', () => {
    const store = new Store();
    const f = store.family('timeToFirstToken');
    expect(f.series(['m', 'e'])).toBe(f.series(['m', 'e']));
    expect(f.series(['m', 'e'])).not.toBe(f.series(['m', 'f']));
  });

  it('counts NaN, negative and infinite values as invalid and keeps what was recorded', () => {
    const store = new Store();
    const h = store.family('timeToFirstToken').series(['m', 'e']);
    const c = store.family('promptTokens').series(['m', 'e']);
    const g = store.family('kvCacheUsage').series(['m', 'e']);
    h.observe(0.3);
    c.inc(5);
    g.set(0.5);
    h.observe(Number.NaN);
    h.observe(-1);
    h.observe(Number.POSITIVE_INFINITY);
    c.inc(-2);
    c.inc(Number.NaN);
    g.set(Number.NaN);
    expect(h.count).toBe(1);
    expect(h.sum).toBe(0.3);
    expect(c.value).toBe(5);
    expect(g.value).toBe(0.5);
    expect(store.invalid.value).toBe(6);
    expect(store.family('eventsDropped').series(['invalid_value']).value).toBe(6);
  });

  it('puts a value on a bound into that bucket (le is inclusive)', () => {
    const store = new Store({ buckets: { timeToFirstToken: [0.1, 1] } });
    const h = store.family('timeToFirstToken').series(['m', 'e']);
    h.observe(0.1);
    h.observe(0.5);
    h.observe(1);
    h.observe(7);
    expect([...h.counts]).toEqual([1, 2, 1]);
  });

  it('fails loudly at setup on bad configuration, naming the package and every bad label', () => {
    expect(() => new Store({ constLabels: { 'bad-name': 'x', le: 'y' } })).toThrow(
      /^\[@inferlens\/core\] constLabels: "bad-name" is not a valid label name; "le" is reserved/,
    );
    expect(() => new Store({ constLabels: { model_name: 'x' } })).toThrow(/reserved by the schema/);
    expect(() => new Store({ buckets: { timeToFirstToken: [1, 0.5] } })).toThrow(
      /strictly increasing/,
    );
    expect(() => new Store({ buckets: { requests: [1] } } as never)).toThrow(/not a histogram/);
    expect(() => new Store({ buckets: { nope: [1] } } as never)).toThrow(
      /unknown metric id "nope"/,
    );
    expect(() => new Store({ seriesLimit: 0 })).toThrow(/positive integer/);
    expect(() => createLens({} as never)).toThrow(/`engine` is required/);
    expect(() => createLens({ engine: 'x', requestTimeoutMs: -1 })).toThrow(/requestTimeoutMs/);
  });

  it('adds bounds with extraBuckets, to the schema’s or to the replaced buckets', () => {
    const store = new Store({ extraBuckets: { timeToFirstToken: [0.3, 0.5] } });
    const bounds = store.family('timeToFirstToken').bounds!;
    expect(bounds).toContain(0.3);
    expect(bounds.filter((b) => b === 0.5)).toHaveLength(1);
    expect([...bounds]).toEqual([...bounds].sort((a, b) => a - b));
    const replaced = new Store({
      buckets: { e2eRequestLatency: [1, 10] },
      extraBuckets: { e2eRequestLatency: [5] },
    });
    expect([...replaced.family('e2eRequestLatency').bounds!]).toEqual([1, 5, 10]);
    expect(() => new Store({ extraBuckets: { requests: [1] } } as never)).toThrow(
      /^\[@inferlens\/core\] extraBuckets: "requests" is not a histogram/,
    );
    expect(() => new Store({ extraBuckets: { timeToFirstToken: ['1'] } } as never)).toThrow(
      /extraBuckets\.timeToFirstToken: give an array of finite numbers/,
    );
  });

  it('resolves labels by name through lens.series and rejects unknown label names', () => {
    const lens = createLens({ engine: 'my-engine', constLabels: { worker_id: 'w1' } });
    const g = lens.series('modelLoadTime', { model_name: 'llama' });
    g.set(12.5);
    expect(g.labelValues).toEqual(['llama', 'my-engine', 'w1']);
    expect(() => lens.series('modelLoadTime', { model: 'x' } as never)).toThrow(
      /unknown label "model"; it has model_name, engine/,
    );
  });
});
