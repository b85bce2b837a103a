import { createLens } from '@inferlens/core';
import { type SglangVersion, startFakeSglang } from '@inferlens/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createSglangSource } from '../src/index.js';
import { complete, samplesOf, sampleValue } from './helpers.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(version: SglangVersion, dataParallel = 1) {
  const sglang = await startFakeSglang({ version, dataParallel, engine: { eosProbability: 0 } });
  closers.push(() => sglang.close());
  const lens = createLens({ engine: 'gateway' });
  const source = createSglangSource({ lens, targets: [{ url: sglang.url, name: 'sg' }] });
  closers.push(() => source.close());
  return { sglang, lens, source };
}

/** A value of the fake's own exposition, read independently of the adapter. */
function raw(text: string, name: string): number {
  return [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'gm'))].reduce(
    (a, m) => a + Number(m[1]),
    0,
  );
}

describe('createSglangSource against a fake SGLang', () => {
  it('current layout: standard rows per dp_rank, tokenizer rows once, SGLang’s buckets', async () => {
    const { sglang, lens, source } = await setup('current', 2);
    await complete(sglang.url, 6, 5);
    await complete(sglang.url, 2, 5); // a second round hits the shared prefix cache
    const text = (await lens.scrape()).body;
    const engineText = sglang.metricsText();
    const m = { engine: 'sglang', target: 'sg', model_name: sglang.model };
    expect(sampleValue(text, 'generationTokens', m)).toBe(40);
    expect(sampleValue(text, 'requests', { ...m, finish_reason: 'unknown' })).toBe(8);
    expect(sampleValue(text, 'timeToFirstToken', m, '_count')).toBe(8);
    expect(sampleValue(text, 'interTokenLatency', m, '_count')).toBe(32);
    expect(sampleValue(text, 'promptTokens', m)).toBe(
      raw(engineText, 'sglang:prompt_tokens_total'),
    );
    expect(sampleValue(text, 'prefixCacheHits', m)).toBe(
      raw(engineText, 'sglang:cached_tokens_total'),
    );
    expect(sampleValue(text, 'prefixCacheHits', m)).toBeGreaterThan(0);
    expect(sampleValue(text, 'prefixCacheQueries', m)).toBe(sampleValue(text, 'promptTokens', m));
    expect(sampleValue(text, 'preemptions', { ...m, dp_rank: '0' })).toBe(0);
    for (const rank of ['0', '1']) {
      expect(sampleValue(text, 'requestsRunning', { ...m, dp_rank: rank })).toBe(0);
      expect(sampleValue(text, 'requestQueueTime', { ...m, dp_rank: rank }, '_count')).toBe(4);
      expect(sampleValue(text, 'modelLoadTime', { ...m, dp_rank: rank })).toBe(3.25);
      const kv = sampleValue(text, 'kvCacheUsage', { ...m, dp_rank: rank })!;
      expect(kv).toBeGreaterThanOrEqual(0);
      expect(kv).toBeLessThanOrEqual(1);
    }
    const les = samplesOf(text, 'timeToFirstToken', '_bucket').map((s) => s.labels.le);
    expect(les.slice(0, 3)).toEqual(['0.1', '0.2', '0.4']); // SGLang's, not core's
    expect(les.at(-2)).toBe('400');
    // SGLang's own rank labels do not leak through.
    expect(text).not.toMatch(/tp_rank|moe_ep_rank|engine_type/);
    expect(source.status()[0]).toMatchObject({ up: true, lastError: undefined });
  });

  it('v0.4 layout: the old ITL name, no request or cached counters', async () => {
    const { sglang, lens } = await setup('v0.4');
    await complete(sglang.url, 3, 4);
    const text = (await lens.scrape()).body;
    const m = { target: 'sg', model_name: sglang.model };
    expect(sglang.metricsText()).toContain('sglang:time_per_output_token_seconds_bucket');
    expect(sampleValue(text, 'interTokenLatency', m, '_count')).toBe(9);
    expect(sampleValue(text, 'timeToFirstToken', m, '_count')).toBe(3);
    expect(samplesOf(text, 'requests')).toEqual([]);
    expect(samplesOf(text, 'prefixCacheHits')).toEqual([]);
  });

  it('v0.3 layout: the `name` label is the model and the percent hit rate is rescaled', async () => {
    const { sglang, lens } = await setup('v0.3');
    await complete(sglang.url, 2, 4);
    await complete(sglang.url, 2, 4);
    const text = (await lens.scrape()).body;
    const engineText = sglang.metricsText();
    expect(engineText).toContain(`{name="${sglang.model}"}`);
    const percent = raw(engineText, 'sglang:cache_hit_rate');
    expect(percent).toBeGreaterThan(1); // written in percent
    const m = { target: 'sg', model_name: sglang.model };
    expect(sampleValue(text, 'sglangCacheHitRate', m)).toBeCloseTo(percent / 100, 12);
    expect(sampleValue(text, 'requestsRunning', m)).toBe(0);
    expect(sampleValue(text, 'requestGenerationTokens', m, '_sum')).toBe(16);
    expect(samplesOf(text, 'timeToFirstToken')).toEqual([]); // this layout has none
  });
});
