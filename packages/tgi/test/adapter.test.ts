import { createLens } from '@inferlens/core';
import { startFakeTgi, type TgiInfoShape } from '@inferlens/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createTgiSource } from '../src/index.js';
import { generate, samplesOf, sampleValue } from './helpers.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(infoShape: TgiInfoShape = 'v3') {
  const tgi = await startFakeTgi({ infoShape, engine: { eosProbability: 0 } });
  closers.push(() => tgi.close());
  const lens = createLens({ engine: 'gateway' });
  const source = createTgiSource({
    lens,
    targets: [{ url: tgi.url, name: 'tgi-a' }],
    scrapeOnCollect: false,
  });
  closers.push(() => source.close());
  return { tgi, lens, source };
}

describe('createTgiSource against a fake TGI', () => {
  it('maps TGI’s metrics onto the standard rows, with the model from /info', async () => {
    const { tgi, lens, source } = await setup();
    await generate(tgi.url, 3, 5);
    // Two chat requests: TGI counts each twice in tgi_request_count (#1901); we must not.
    for (let i = 0; i < 2; i++)
      await fetch(`${tgi.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({
          messages: [{ role: 'user', content: 'Hi' }],
          max_tokens: 5,
          stream: true,
        }),
      }).then((r) => r.text());
    // One request too long for max_total_tokens: a validation failure.
    await generate(tgi.url, 1, 600);
    await source.refresh();
    expect(tgi.metricsText()).toMatch(/^tgi_request_count 8$/m);
    const text = lens.render();
    const l = { model_name: tgi.model, engine: 'tgi', target: 'tgi-a' };
    expect(sampleValue(text, 'requests', { ...l, finish_reason: 'unknown' })).toBe(5);
    expect(sampleValue(text, 'requests', { ...l, finish_reason: 'error' })).toBe(1);
    expect(sampleValue(text, 'requests', { ...l, finish_reason: 'abort' })).toBe(0);
    expect(sampleValue(text, 'requestErrors', { ...l, error_type: 'validation' })).toBe(1);
    // Failure kinds TGI has not created yet are exported as 0, not left out.
    expect(sampleValue(text, 'requestErrors', { ...l, error_type: 'overloaded' })).toBe(0);
    expect(sampleValue(text, 'generationTokens', l)).toBe(25);
    expect(sampleValue(text, 'requestGenerationTokens', l, '_count')).toBe(5);
    expect(sampleValue(text, 'e2eRequestLatency', l, '_count')).toBe(5);
    expect(sampleValue(text, 'requestQueueTime', l, '_count')).toBe(5);
    expect(sampleValue(text, 'timePerOutputToken', l, '_count')).toBe(5);
    expect(sampleValue(text, 'requestsRunning', l)).toBe(0);
    expect(
      sampleValue(text, 'tgiBatchInferenceDuration', { ...l, method: 'prefill' }, '_count'),
    ).toBeGreaterThan(0);
    expect(
      sampleValue(text, 'tgiBatchInferenceDuration', { ...l, method: 'decode' }, '_count'),
    ).toBeGreaterThan(0);
    // TGI's own buckets: durations 0.0001 × 1.5^k, token counts linear in max_total_tokens.
    const les = samplesOf(text, 'e2eRequestLatency', '_bucket').map((s) => s.labels.le);
    expect(les[0]).toBe('0.00015000000000000001');
    expect(les).toHaveLength(36);
    expect(samplesOf(text, 'requestGenerationTokens', '_bucket')[0]!.labels.le).toBe('5.12');
    const proxy = sampleValue(text, 'tgiTimeToFirstTokenProxy', l)!;
    expect(proxy).toBeGreaterThan(0);
    expect(proxy).toBeLessThan(1);
    // No TGI equivalent: these rows stay absent rather than zero.
    for (const id of [
      'kvCacheUsage',
      'timeToFirstToken',
      'interTokenLatency',
      'preemptions',
    ] as const)
      expect(samplesOf(text, id)).toEqual([]);
    expect(source.info('tgi-a')).toMatchObject({
      modelId: tgi.model,
      maxInputTokens: 511,
      maxTotalTokens: 512,
      version: '3.3.5',
    });
  });

  it.each(['v2.2', 'v2.0'] as const)(
    'reads the %s /info shape (fields later removed, older names)',
    async (shape) => {
      const { tgi, lens, source } = await setup(shape);
      await source.refresh();
      expect(source.info('tgi-a')).toMatchObject({
        modelId: tgi.model,
        maxInputTokens: 511,
        maxBatchTotalTokens: 16000,
        modelDtype: 'torch.float16',
      });
      const text = lens.render();
      expect(
        sampleValue(text, 'requests', { model_name: tgi.model, finish_reason: 'unknown' }),
      ).toBe(0);
    },
  );

  it('prefers a configured model over /info’s model_id', async () => {
    const tgi = await startFakeTgi();
    closers.push(() => tgi.close());
    const lens = createLens({ engine: 'gateway' });
    const source = createTgiSource({
      lens,
      targets: [{ url: tgi.url, name: 't', model: 'my-model' }],
      scrapeOnCollect: false,
    });
    closers.push(() => source.close());
    await source.refresh();
    const text = lens.render();
    expect(
      sampleValue(text, 'requests', {
        model_name: 'my-model',
        target: 't',
        finish_reason: 'unknown',
      }),
    ).toBe(0);
    expect(sampleValue(text, 'sourceUp', { engine: 'tgi', target: 't' })).toBe(1);
  });
});
