import { createLens } from '@inferlens/core';
import { type MetricsFault, startFakeVllm } from '@inferlens/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVllmSource } from '../src/index.js';
import { complete, sampleValue } from './helpers.js';

let vllm: Awaited<ReturnType<typeof startFakeVllm>>;
beforeAll(async () => {
  vllm = await startFakeVllm({ engine: { eosProbability: 0 } });
  await complete(vllm.url, vllm.model, 2, 4);
});
afterAll(() => vllm.close());

const health = { engine: 'vllm', target: 'a' };

describe('a vLLM target that misbehaves', () => {
  const cases: [MetricsFault, string][] = [
    ['down', 'unreachable'],
    ['slow', 'timeout'],
    ['http_500', 'http_error'],
    ['truncated', 'truncated'],
    ['cut_line', 'truncated'],
    ['huge', 'too_large'],
  ];

  it('is reported by reason, keeps its last good data marked stale, and recovers', async () => {
    const lens = createLens({ engine: 'gateway' });
    const errors: string[] = [];
    const source = createVllmSource({
      lens,
      targets: [{ url: vllm.url, name: 'a' }],
      scrapeOnCollect: false,
      timeoutMs: 1500, // the 10 MB body must pass maxBytes before this, even on a loaded machine
      onError: (e) => errors.push(e.reason),
    });
    await source.refresh();
    const good = lens.render();
    expect(sampleValue(good, 'sourceUp', health)).toBe(1);
    expect(sampleValue(good, 'generationTokens', { target: 'a' })).toBe(8);
    expect(sampleValue(good, 'sourceLastSuccess', health)).toBeGreaterThan(1.7e9);
    for (const [fault, reason] of cases) {
      vllm.fault = fault;
      await expect(source.refresh()).resolves.toBeUndefined();
      const text = lens.render();
      expect(sampleValue(text, 'sourceUp', health), fault).toBe(0);
      expect(sampleValue(text, 'sourceStale', health), fault).toBe(1);
      expect(
        sampleValue(text, 'sourceScrapeErrors', { ...health, reason }),
        fault,
      ).toBeGreaterThanOrEqual(1);
      expect(sampleValue(text, 'generationTokens', { target: 'a' }), fault).toBe(8);
      expect(source.status()[0]).toMatchObject({ up: false, stale: true, lastError: { reason } });
    }
    expect(errors).toEqual(cases.map(([, r]) => r));
    const text = lens.render();
    expect(sampleValue(text, 'sourceScrapeErrors', { ...health, reason: 'truncated' })).toBe(2);
    vllm.fault = 'none';
    await source.refresh();
    const back = lens.render();
    expect(sampleValue(back, 'sourceUp', health)).toBe(1);
    expect(sampleValue(back, 'sourceStale', health)).toBe(0);
    source.close();
    // Closing removes the target's health series with the source.
    expect(sampleValue(lens.render(), 'sourceUp', health)).toBeUndefined();
  });

  it('skips one bad line and counts it by default; refuses the scrape in strict mode', async () => {
    const lens = createLens({ engine: 'gateway' });
    const errors: string[] = [];
    const options = {
      lens,
      scrapeOnCollect: false,
      onError: (e: { reason: string }) => errors.push(e.reason),
    };
    const tolerant = createVllmSource({ ...options, targets: [{ url: vllm.url, name: 'a' }] });
    const strict = createVllmSource({
      ...options,
      targets: [{ url: vllm.url, name: 's' }],
      strict: true,
    });
    vllm.fault = 'malformed';
    await Promise.all([tolerant.refresh(), strict.refresh()]);
    vllm.fault = 'none';
    const text = lens.render();
    expect(tolerant.status()[0]).toMatchObject({ up: true, dropped: { bad_line: 1 } });
    expect(sampleValue(text, 'generationTokens', { target: 'a' })).toBe(8);
    expect(sampleValue(text, 'sourceSeriesDropped', { ...health, reason: 'bad_line' })).toBe(1);
    expect(sampleValue(text, 'sourceStandardSeries', health)).toBeGreaterThan(20);
    expect(strict.status()[0]).toMatchObject({ up: false, lastError: { reason: 'malformed' } });
    expect(
      sampleValue(text, 'sourceScrapeErrors', { engine: 'vllm', target: 's', reason: 'malformed' }),
    ).toBe(1);
    expect(sampleValue(text, 'generationTokens', { target: 's' })).toBeUndefined();
    expect(errors).toEqual(['malformed']);
    tolerant.close();
    strict.close();
  });

  it('stops showing data older than staleAfterMs', async () => {
    const lens = createLens({ engine: 'gateway' });
    const source = createVllmSource({
      lens,
      targets: [{ url: vllm.url, name: 'a' }],
      scrapeOnCollect: false,
      staleAfterMs: 50,
    });
    await source.refresh();
    vllm.fault = 'http_500';
    await new Promise((r) => setTimeout(r, 80));
    await source.refresh();
    vllm.fault = 'none';
    const text = lens.render();
    expect(sampleValue(text, 'generationTokens', { target: 'a' })).toBeUndefined();
    expect(sampleValue(text, 'sourceStale', health)).toBe(0);
    expect(sampleValue(text, 'sourceUp', health)).toBe(0);
    source.close();
  });

  it('bounds what one target can add: maxBytes and maxSeries', async () => {
    const lens = createLens({ engine: 'gateway' });
    const small = createVllmSource({
      lens,
      targets: [{ url: vllm.url, name: 'a' }],
      scrapeOnCollect: false,
      maxBytes: 1000,
    });
    await small.refresh();
    expect(small.status()[0]!.lastError?.reason).toBe('too_large');
    small.close();
    const few = createVllmSource({
      lens,
      targets: [{ url: vllm.url, name: 'b' }],
      scrapeOnCollect: false,
      maxSeries: 3,
    });
    await few.refresh();
    // Past the limit, standard rows in schema order are kept, whatever order vLLM wrote them in.
    expect(few.status()[0]).toMatchObject({ up: true, series: 3, dropped: { series_limit: 22 } });
    expect(few.mirrored('requests')).toHaveLength(3); // the first standard row: finish reasons
    few.close();
  });

  it('reports a port nobody listens on, never throwing', async () => {
    const lens = createLens({ engine: 'gateway' });
    const source = createVllmSource({
      lens,
      targets: ['http://127.0.0.1:9'],
      scrapeOnCollect: false,
      timeoutMs: 1000,
    });
    await expect(source.refresh()).resolves.toBeUndefined();
    expect(source.status()[0]).toMatchObject({
      target: '127.0.0.1:9',
      up: false,
      lastError: { reason: 'unreachable' },
    });
    source.close();
  });

  it('rejects bad configuration at setup, naming the package', () => {
    const lens = createLens({ engine: 'gateway' });
    expect(() => createVllmSource({ lens, targets: [] })).toThrow(
      /^\[@inferlens\/vllm\] `targets`/,
    );
    expect(() => createVllmSource({ lens, targets: ['ftp://x'] })).toThrow(/not an http\(s\) URL/);
    expect(() => createVllmSource({ lens, targets: ['http://a:1', 'http://a:1'] })).toThrow(
      /two targets/,
    );
    expect(() => createVllmSource({ lens, targets: ['http://a:1'], timeoutMs: -1 })).toThrow(
      /timeoutMs/,
    );
    expect(() =>
      createVllmSource({ lens, targets: ['http://a:1'], strict: 'yes' as unknown as boolean }),
    ).toThrow(/^\[@inferlens\/vllm\] strict/);
  });
});
