import { createLens, schema } from '@inferlens/core/internal';
import { parse } from '@inferlens/prom-parse';
import { describe, expect, it } from 'vitest';
import { mergeExpositions } from '../src/index.js';

/** A worker's lens after `n` finished requests of 4 tokens, with `kv` usage and `running` requests. */
function worker(n: number, kv: number, running: number): string {
  const lens = createLens({ engine: 'sim' });
  const h = lens.handles('m');
  for (let i = 0; i < n; i++) {
    const r = lens.request({ model: 'm' });
    r.firstToken();
    r.tokens(3);
    r.finish({ finishReason: 'stop', generationTokens: 4 });
  }
  h.kvCacheUsage.set(kv);
  h.requestsRunning.set(running);
  // A mirrored engine series every worker reads alike (its `target` label).
  lens.series('sourceUp', { engine: 'vllm', target: 'gpu-1:8000' }).set(1);
  const text = lens.render();
  lens.close();
  return text;
}

const value = (
  text: string,
  id: keyof typeof schema,
  part = '',
  labels: Record<string, string> = {},
) =>
  parse(text)
    .families.flatMap((f) => f.samples)
    .filter(
      (s) =>
        s.name === schema[id].prometheus + part &&
        Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )
    .map((s) => s.value);

describe('mergeExpositions', () => {
  const texts = [
    { worker: '1', text: worker(3, 0.2, 1) },
    { worker: '2', text: worker(5, 0.6, 2) },
  ];

  it('sums counters and histograms, sums running, averages KV usage, takes shared series once', () => {
    const merged = mergeExpositions(texts);
    expect(parse(merged).errors).toEqual([]);
    expect(value(merged, 'requests', '', { finish_reason: 'stop' })).toEqual([8]);
    expect(value(merged, 'generationTokens')).toEqual([32]);
    expect(value(merged, 'timeToFirstToken', '_count')).toEqual([8]);
    expect(value(merged, 'timeToFirstToken', '_bucket', { le: '+Inf' })).toEqual([8]);
    expect(value(merged, 'requestsRunning')).toEqual([3]);
    expect(value(merged, 'kvCacheUsage')[0]).toBeCloseTo(0.4, 12);
    expect(value(merged, 'sourceUp')).toEqual([1]); // not 2: both workers read one target
    const types = merged.split('\n').filter((l) => l.startsWith('# TYPE '));
    expect(new Set(types).size).toBe(types.length);
  });

  it('keeps a worker label on request, merging nothing but the shared series', () => {
    const merged = mergeExpositions(texts, true);
    expect(value(merged, 'requests', '', { finish_reason: 'stop', worker: '1' })).toEqual([3]);
    expect(value(merged, 'requests', '', { finish_reason: 'stop', worker: '2' })).toEqual([5]);
    expect(value(merged, 'kvCacheUsage', '', { worker: '2' })).toEqual([0.6]);
    expect(value(merged, 'sourceUp')).toEqual([1]);
  });
});
