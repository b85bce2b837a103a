import { describe, expect, it } from 'vitest';
import {
  ChunkPool,
  type ExpositionFormat,
  type Lens,
  render,
  renderBytes,
  renderStream,
  renderTextStream,
  Store,
  type StreamOptions,
} from '../src/internal.js';
import { manualLens } from './helpers.js';

/**
 * A lens with every kind of series: histograms with exemplars, counters (one past 2^53), gauges
 * (negative, fractional, -0), a summary, label values that need escaping and are not ASCII, and
 * mirrored engine series (histograms with their own buckets, a gauge, shapes that are skipped).
 */
function busy(models: number, mirrored = true): Lens {
  const { lens, clock } = manualLens({
    constLabels: { worker_id: 'w"1\\\nü' },
    buckets: { timeToFirstToken: [0.1, 1, 10] },
    summaries: { httpRequestDurationSummary: { maxAgeSeconds: 60, ageBuckets: 3 } },
    seriesLimit: 100_000,
  });
  clock.t = 5_000;
  for (let i = 0; i < models; i++) {
    const model = i % 3 === 0 ? `llama "3"\n8b\\x-${i}` : i % 3 === 1 ? `模型-${i}` : `m${i}`;
    const r = lens.request({ model, time: clock.t });
    r.queued(clock.t);
    r.started(clock.t + 10);
    r.firstToken(1, clock.t + 250 + i);
    r.tokens(3, clock.t + 270 + i);
    r.finish({ finishReason: i % 2 ? 'stop' : 'length', promptTokens: 17 }, clock.t + 300 + i);
    const ttft = lens.store.family('timeToFirstToken').series([model, 'x']);
    ttft.observeWithExemplar(0.05 * (i % 40), `trace${i}`, 1_700_000_000_123 + i);
    lens.series('kvCacheUsage', { model_name: model }).set(i % 5 === 0 ? -0 : -i / 7);
    lens.series('httpRequestDurationSummary', { route: `/r${i % 7}` }).observe(i / 3);
  }
  lens.store
    .family('requests')
    .series(['big', 'e', 'stop'])
    .inc(2 ** 60);
  if (!mirrored) return lens;
  lens.store.addMirror({
    mirrored: (id) =>
      id === 'timeToFirstToken'
        ? [
            {
              labels: [
                ['model_name', 'qwen'],
                ['engine', 'vllm'],
                ['target', '10.0.0.5:8000'],
              ],
              value: { bounds: [0.5, 5], cumulative: [3, 4, 4], sum: 2.5, count: 4 },
            },
            { labels: [['model_name', 'bad']], value: 7 },
          ]
        : id === 'requestsRunning'
          ? [{ labels: [['model_name', 'qwen']], value: 3 }]
          : id === 'httpRequestDurationSummary'
            ? [{ labels: [['route', '/x']], value: 1 }]
            : undefined,
  });
  return lens;
}

/** Byte equality, shown as text when it fails (toEqual walks a Buffer index by index). */
function same(actual: Buffer, expected: Buffer): void {
  if (!actual.equals(expected)) {
    // The first line that differs, not a diff of megabytes.
    const a = actual.toString().split('\n');
    const e = expected.toString().split('\n');
    const i = e.findIndex((line, k) => line !== a[k]);
    expect(a.slice(i, i + 2).join('\n')).toBe(e.slice(i, i + 2).join('\n'));
  }
  expect(actual.equals(expected)).toBe(true);
}

async function streamed(
  store: Store,
  format: ExpositionFormat,
  options?: StreamOptions,
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const c of renderStream(store, format, options)) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * renderStream with a pool, each chunk copied and given back at once, so the next chunks are
 * written into the same buffers: a chunk written into a buffer still in use would show.
 */
async function pooled(
  store: Store,
  format: ExpositionFormat,
  options?: StreamOptions,
): Promise<Buffer> {
  const pool = new ChunkPool(2);
  const chunks: Buffer[] = [];
  for await (const c of renderStream(store, format, { ...options, pool })) {
    chunks.push(Buffer.from(c));
    pool.release(c);
  }
  return Buffer.concat(chunks);
}

describe('sliced rendering to bytes (#17)', () => {
  for (const models of [0, 1, 40, 1000]) {
    for (const format of ['prometheus', 'openmetrics'] as const) {
      it(`is byte for byte render() with ${models} models in ${format}`, async () => {
        // A fresh lens per render: a scrape may count into eventsDropped, which it also shows.
        // Without mirrors, families that surely fit are streamed as written; with them, held whole.
        const options = [{}, { prefix: 'gw_' }, { prefix: 'p_', prefixOnly: ['timeToFirstToken'] }];
        for (const mirrored of [true, false])
          for (const o of options as StreamOptions[]) {
            const text = Buffer.from(render(busy(models, mirrored).store, format, o));
            same(Buffer.concat(renderBytes(busy(models, mirrored).store, format, o)), text);
            same(await streamed(busy(models, mirrored).store, format, { ...o, sliceMs: 0 }), text);
            same(await pooled(busy(models, mirrored).store, format, { ...o, sliceMs: 0 }), text);
          }
      });
    }
  }

  it('lens.scrapeStream() sends what lens.scrape() sends, in the negotiated format', async () => {
    for (const accept of [undefined, 'application/openmetrics-text; version=1.0.0']) {
      const a = await busy(50, false).scrape(accept);
      const b = await busy(50, false).scrapeStream(accept);
      expect(b.contentType).toBe(a.contentType);
      const chunks: Uint8Array[] = [];
      for await (const c of b.body) chunks.push(c);
      same(Buffer.concat(chunks), Buffer.from(a.body));
      const text: string[] = [];
      for await (const c of renderTextStream(busy(50, false).store)) text.push(c);
      same(Buffer.from(text.join('')), Buffer.from(render(busy(50, false).store)));
    }
  });

  it('leaves out and counts the same families as render() under maxLength', async () => {
    for (const mirrored of [true, false])
      for (const maxLength of [2000, 40_000, 100_000, 1_000_000]) {
        const a = busy(200, mirrored);
        const b = busy(200, mirrored);
        const text = Buffer.from(render(a.store, 'openmetrics', { maxLength }));
        same(await streamed(b.store, 'openmetrics', { maxLength }), text);
        same(await pooled(busy(200, mirrored).store, 'openmetrics', { maxLength }), text);
        const dropped = (l: Lens) =>
          l.store.family('eventsDropped').series(['scrape_too_large']).value;
        expect(dropped(b)).toBe(dropped(a));
      }
  });

  it('renders several stores as one exposition, as render() does', async () => {
    const a = busy(30);
    const b = busy(5);
    const text = Buffer.from(render([a.store, b.store]));
    same(Buffer.concat(renderBytes([a.store, b.store])), text);
  });

  it('a mirror that throws costs its family, not the scrape', async () => {
    const throwing = (): Lens => {
      const { lens } = manualLens();
      lens.request({ model: 'm' }).finish();
      lens.store.addMirror({
        mirrored: () => {
          throw new Error('bug');
        },
      });
      return lens;
    };
    const text = render(throwing().store);
    expect(text).toContain('llm_requests_total');
    same(await streamed(throwing().store, 'prometheus'), Buffer.from(text));
  });

  it('gives timers turns during a 100,000-series scrape', async () => {
    const store = new Store({ seriesLimit: 100_000, maxScrapeLength: 2 ** 28 });
    for (let i = 0; i < 50_000; i++) {
      store
        .family('timeToFirstToken')
        .series([`model-${i}`, 'vllm'])
        .observe(0.2);
      store
        .family('requests')
        .series([`model-${i}`, 'vllm', 'stop'])
        .inc();
    }
    let ticks = 0;
    let running = true;
    const tick = (): void => {
      ticks++;
      if (running) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    let bytes = 0;
    for (const c of renderBytes(store)) bytes += c.byteLength;
    // In one synchronous call no timer can run.
    expect(ticks).toBe(0);
    let streamedBytes = 0;
    const slices: number[] = [];
    const onSlice = (ms: number): void => {
      slices.push(ms);
    };
    for await (const c of renderStream(store, 'prometheus', { sliceMs: 1, onSlice }))
      streamedBytes += c.byteLength;
    running = false;
    // The sliced render gave timers many turns within one scrape.
    expect(ticks).toBeGreaterThan(10);
    expect(streamedBytes).toBe(bytes);
    // Turns come only between slices (two each: one for the writes of its chunks, one before the
    // next slice), and the last slice is reported too.
    expect(slices.length).toBeGreaterThan(10);
    expect(ticks).toBeLessThanOrEqual(2 * slices.length + 2);
    for (const ms of slices) expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('reports one slice for a scrape of at most 1,000 series, rendered as one instant', async () => {
    const slices: number[] = [];
    const chunks: string[] = [];
    const lens = busy(20, false);
    for await (const c of renderTextStream(lens.store, 'prometheus', {
      onSlice: (ms) => slices.push(ms),
    }))
      chunks.push(c);
    expect(slices).toHaveLength(1);
    expect(chunks.join('')).toBe(render(lens.store));
  });

  it('renders the whole scrape when onSlice throws, and stops calling it', async () => {
    const store = new Store({ seriesLimit: 10_000 });
    for (let i = 0; i < 5_000; i++)
      store
        .family('timeToFirstToken')
        .series([`model-${i}`, 'vllm'])
        .observe(i / 1000);
    let calls = 0;
    const onSlice = (): void => {
      calls++;
      throw new Error('app bug');
    };
    const chunks: Uint8Array[] = [];
    for await (const c of renderStream(store, 'prometheus', { sliceMs: 0, onSlice }))
      chunks.push(c);
    same(Buffer.concat(chunks), Buffer.from(render(store)));
    expect(calls).toBe(1);
  });

  it('stops rendering when the scraper goes away', async () => {
    const lens = busy(3000);
    let asked = 0;
    lens.store.addMirror({
      mirrored: () => {
        asked++;
        return undefined;
      },
    });
    const signal = { aborted: false };
    let bytes = 0;
    for await (const c of renderStream(lens.store, 'prometheus', { signal, sliceMs: 0 })) {
      bytes += c.byteLength;
      signal.aborted = true;
    }
    const full = Buffer.byteLength(render(lens.store));
    const askedByOne = asked;
    expect(bytes).toBeLessThan(full / 2);
    // A consumer that stops reading stops the render too.
    asked = 0;
    for await (const _ of renderStream(lens.store, 'prometheus', { sliceMs: 0 })) break;
    expect(asked).toBeLessThan(askedByOne);
  });
});
