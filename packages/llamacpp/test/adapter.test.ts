import { createLens } from '@inferlens/core';
import { type FakeLlamacppOptions, startFakeLlamacpp } from '@inferlens/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlamacppSource } from '../src/index.js';
import { chat, samplesOf, sampleValue } from './helpers.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(options: FakeLlamacppOptions) {
  const llama = await startFakeLlamacpp({ engine: { eosProbability: 0 }, ...options });
  closers.push(() => llama.close());
  const lens = createLens({ engine: 'gateway' });
  const source = createLlamacppSource({ lens, targets: [{ url: llama.url, name: 'l' }] });
  closers.push(() => source.close());
  return { llama, lens, source };
}

/** The value of one unlabelled llama.cpp line, read independently of the adapter. */
const raw = (text: string, name: string) =>
  Number(new RegExp(`^llamacpp:${name} (\\S+)$`, 'm').exec(text)?.[1]);

describe('createLlamacppSource against a fake llama-server', () => {
  it('current layout: prompt tokens with the cached ones, prefix-cache rows, model from /v1/models', async () => {
    const { llama, lens, source } = await setup({ version: 'current', alias: 'llama-3.2-1b' });
    await chat(llama.url, 3, 5);
    await chat(llama.url, 3, 5);
    const text = (await lens.scrape()).body;
    const engine = llama.metricsText();
    const m = { engine: 'llamacpp', target: 'l', model_name: 'llama-3.2-1b' };
    const evaluated = raw(engine, 'prompt_tokens_total');
    const cached = raw(engine, 'prompt_tokens_cached_total');
    expect(cached).toBeGreaterThan(0);
    expect(sampleValue(text, 'promptTokens', m)).toBe(evaluated + cached);
    expect(sampleValue(text, 'promptTokensCached', m)).toBe(cached);
    expect(sampleValue(text, 'prefixCacheHits', m)).toBe(cached);
    expect(sampleValue(text, 'prefixCacheQueries', m)).toBe(evaluated + cached);
    expect(sampleValue(text, 'generationTokens', m)).toBe(30);
    expect(sampleValue(text, 'requestsRunning', m)).toBe(0);
    expect(sampleValue(text, 'requestsWaiting', m)).toBe(0);
    // The KV gauges left the server in mid-2025: absent, not 0.
    expect(samplesOf(text, 'kvCacheUsage')).toEqual([]);
    expect(source.status()[0]).toMatchObject({ up: true });
  });

  it('2024 layout: the KV gauge, and the model from /props when /v1/models is missing', async () => {
    const { llama, lens } = await setup({ version: '2024', v1Models: false });
    await chat(llama.url, 2, 5);
    // The first scrape after traffic: the window's averages are numbers, not -nan.
    const text = (await lens.scrape()).body;
    const m = { model_name: '/models/Llama-3.2-1B-Instruct-Q4_K_M.gguf', target: 'l' };
    expect(sampleValue(text, 'generationTokens', m)).toBe(10);
    const kv = sampleValue(text, 'kvCacheUsage', m)!;
    expect(kv).toBeGreaterThanOrEqual(0);
    expect(kv).toBeLessThanOrEqual(1);
    expect(samplesOf(text, 'prefixCacheHits')).toEqual([]);
  });

  it('an idle older server: the -nan averages are skipped and counted, the rest is kept', async () => {
    for (const version of ['2024', 'mid-2025'] as const) {
      const { llama, lens, source } = await setup({ version });
      const text = (await lens.scrape()).body;
      expect(llama.metricsText()).toContain('llamacpp:prompt_tokens_seconds -nan');
      const m = { target: 'l', model_name: llama.model };
      expect(source.status()[0], version).toMatchObject({
        up: true,
        dropped: { bad_value: 3 },
        problem: undefined,
      });
      expect(sampleValue(text, 'requestsRunning', m), version).toBe(0);
      expect(sampleValue(text, 'sourceSeriesDropped', { target: 'l', reason: 'bad_value' })).toBe(
        3,
      );
      // The current server guards its averages: nothing is skipped.
      await source.close();
      await llama.close();
      closers.length = 0;
    }
    const { lens, source } = await setup({ version: 'current' });
    await lens.scrape();
    expect(source.status()[0]).toMatchObject({ up: true, dropped: {} });
  });

  it('under load: busy slots run, the others are deferred (waiting)', async () => {
    const { llama, lens, source } = await setup({ version: '2024', slots: 2 });
    const busy = chat(llama.url, 4, 200); // about 2.4 s each: two run while two wait
    const m0 = { model_name: llama.model, target: 'l' };
    let during = '';
    for (let i = 0; i < 40; i++) {
      await source.refresh();
      during = lens.render();
      if (sampleValue(during, 'requestsWaiting', m0) === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await busy;
    const m = { model_name: llama.model, target: 'l' };
    expect(sampleValue(during, 'requestsRunning', m)).toBe(2);
    expect(sampleValue(during, 'requestsWaiting', m)).toBe(2);
    expect(sampleValue(during, 'kvCacheUsage', m)).toBeGreaterThan(0);
  });

  it('a target model option wins, and /v1/models is not asked then', async () => {
    const llama = await startFakeLlamacpp({});
    closers.push(() => llama.close());
    const lens = createLens({ engine: 'gateway' });
    const source = createLlamacppSource({
      lens,
      targets: [{ url: llama.url, name: 'l', model: 'mine' }],
    });
    closers.push(() => source.close());
    const text = (await lens.scrape()).body;
    expect(sampleValue(text, 'requestsRunning', { model_name: 'mine', target: 'l' })).toBe(0);
  });
});
