import { createLens } from '@inferlens/core';
import { startFakeVllm } from '@inferlens/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createVllmSource } from '../src/index.js';
import { complete, samplesOf, sampleValue } from './helpers.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(options: Parameters<typeof startFakeVllm>[0] = {}) {
  const vllm = await startFakeVllm({ engine: { eosProbability: 0 }, ...options });
  closers.push(() => vllm.close());
  const lens = createLens({ engine: 'gateway' });
  const source = createVllmSource({ lens, targets: [{ url: vllm.url, name: 'replica-a' }] });
  closers.push(() => source.close());
  return { vllm, lens, source };
}

describe('createVllmSource against a fake vLLM (V1 names, data parallel)', () => {
  it('mirrors every standard row with dp_rank, target and vLLM’s own buckets', async () => {
    const { vllm, lens } = await setup({ dataParallel: 2 });
    await complete(vllm.url, vllm.model, 6, 5);
    const text = (await lens.scrape()).body;
    for (const rank of ['0', '1']) {
      const l = { engine: 'vllm', target: 'replica-a', dp_rank: rank, model_name: vllm.model };
      expect(sampleValue(text, 'generationTokens', l)).toBe(15); // 3 requests × 5 tokens per rank
      expect(sampleValue(text, 'requests', { ...l, finish_reason: 'length' })).toBe(3);
      expect(sampleValue(text, 'requests', { ...l, finish_reason: 'stop' })).toBe(0);
      expect(sampleValue(text, 'timeToFirstToken', l, '_count')).toBe(3);
      // vLLM counts ITL per output after the first: 3 × (5 − 1).
      expect(sampleValue(text, 'interTokenLatency', l, '_count')).toBe(12);
      expect(sampleValue(text, 'requestGenerationTokens', l, '_sum')).toBe(15);
      expect(sampleValue(text, 'requestsRunning', l)).toBe(0);
      const kv = sampleValue(text, 'kvCacheUsage', l)!;
      expect(kv).toBeGreaterThanOrEqual(0);
      expect(kv).toBeLessThanOrEqual(1);
    }
    const les = samplesOf(text, 'timeToFirstToken', '_bucket')
      .filter((s) => s.labels.dp_rank === '0')
      .map((s) => s.labels.le);
    expect(les.slice(0, 4)).toEqual(['0.001', '0.005', '0.01', '0.02']);
    expect(les.at(-2)).toBe('2560');
    const e2e = samplesOf(text, 'e2eRequestLatency', '_bucket').filter(
      (s) => s.labels.dp_rank === '1',
    );
    expect(e2e[0]!.labels.le).toBe('0.3'); // vLLM's request_latency family, not core's
    // `_created` series and vLLM's own `engine` label do not leak through.
    expect(text).not.toContain('_created');
    expect(text).not.toContain('engine="0"');
    expect(sampleValue(text, 'sourceUp', { engine: 'vllm', target: 'replica-a' })).toBe(1);
  });

  it('counts once when a version exports both the deprecated and the current names (0.9–0.11)', async () => {
    const { vllm, lens } = await setup({ names: 'v0.9' });
    await complete(vllm.url, vllm.model, 2, 4);
    const text = (await lens.scrape()).body;
    expect(vllm.metricsText()).toContain('vllm:gpu_prefix_cache_queries_total');
    const l = { target: 'replica-a', dp_rank: '0' };
    expect(sampleValue(text, 'interTokenLatency', l, '_count')).toBe(6);
    const queries = Number(
      vllm.metricsText().match(/^vllm:prefix_cache_queries_total\{.*\} (\S+)$/m)![1],
    );
    expect(sampleValue(text, 'prefixCacheQueries', l)).toBe(queries);
  });

  it('reads the old names alone (before the rename) and series without the engine label', async () => {
    const { vllm, lens } = await setup({ names: 'v0', engineLabel: false, created: false });
    await complete(vllm.url, vllm.model, 2, 4);
    const text = (await lens.scrape()).body;
    expect(vllm.metricsText()).not.toContain('vllm:inter_token_latency_seconds');
    const l = { target: 'replica-a', model_name: vllm.model };
    expect(sampleValue(text, 'interTokenLatency', l, '_count')).toBe(6);
    expect(sampleValue(text, 'kvCacheUsage', l)).toBeGreaterThanOrEqual(0);
    expect(samplesOf(text, 'generationTokens').every((s) => s.labels.dp_rank === undefined)).toBe(
      true,
    );
  });

  it('follows the engine: counters grow between scrapes, at collection time', async () => {
    const { vllm, lens } = await setup({ dataParallel: 1 });
    await complete(vllm.url, vllm.model, 1, 3);
    const first = sampleValue((await lens.scrape()).body, 'generationTokens', {
      target: 'replica-a',
    });
    await complete(vllm.url, vllm.model, 2, 3);
    // Data younger than minIntervalMs (1 s) is reused, so wait for a fresh scrape.
    await new Promise((r) => setTimeout(r, 1100));
    const second = sampleValue((await lens.scrape()).body, 'generationTokens', {
      target: 'replica-a',
    });
    expect([first, second]).toEqual([3, 9]);
  });
});
