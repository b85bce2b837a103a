import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLens, type Lens, schema } from '@inferlens/core/internal';
import { parse } from '@inferlens/prom-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineSource, type EngineAdapter, SnapshotBuilder } from '../src/internal.js';
import { sampleValue } from './samples.js';

/** A snapshot as an engine source holds it after one scrape of target `a:8000`. */
function snapshot() {
  const b = new SnapshotBuilder('vllm', 'a:8000', 100);
  b.counter('requests', { model: 'm', dpRank: '0', labels: { finish_reason: 'stop' } }, 5);
  b.counter('requests', { model: 'm', dpRank: '0', labels: { finish_reason: 'stop' } }, 2); // merged
  b.gauge('kvCacheUsage', { model: 'm', dpRank: '0' }, 0.25, 'max');
  b.gauge('kvCacheUsage', { model: 'm', dpRank: '0' }, 0.5, 'max');
  const h = {
    bounds: [0.001, 0.00015000000000000001, 1],
    cumulative: [1, 2, 3, 4],
    sum: 2.5,
    count: 4,
  };
  b.histogram('timeToFirstToken', { model: 'm', dpRank: '0' }, h);
  return b.build();
}

function attach(lens: Lens): void {
  const snap = snapshot();
  lens.store.addMirror({ mirrored: (id) => snap.byId.get(id) });
}

describe('SnapshotBuilder', () => {
  it('keeps standard rows first past the limit, by a rule that ignores arrival order', () => {
    const kept = (order: 'engine-first' | 'standard-first') => {
      const b = new SnapshotBuilder('tgi', 't', 2);
      const engineOnly = () => b.gauge('tgiBatchMaxTokens', { model: 'm' }, 9);
      const standard = () => {
        b.gauge('requestsWaiting', { model: 'm' }, 1);
        b.gauge('requestsRunning', { model: 'm' }, 2);
      };
      if (order === 'engine-first') engineOnly();
      standard();
      if (order === 'standard-first') engineOnly();
      const snap = b.build();
      return { ids: [...snap.byId.keys()].sort(), drops: snap.drops, standard: snap.standard };
    };
    const a = kept('engine-first');
    expect(a).toEqual({
      ids: ['requestsRunning', 'requestsWaiting'],
      drops: { series_limit: 1 },
      standard: 2,
    });
    expect(kept('standard-first')).toEqual(a);
  });

  it('counts series lost to a bucket-layout mismatch', () => {
    const b = new SnapshotBuilder('vllm', 't', 10);
    const h = (bounds: number[]) => ({
      bounds,
      cumulative: [...bounds.map(() => 1), 1],
      count: 1,
      sum: 1,
    });
    b.histogram('timeToFirstToken', { model: 'm', labels: {} }, h([0.1, 1]));
    b.histogram('timeToFirstToken', { model: 'm', labels: {} }, h([0.1, 2]));
    expect(b.build()).toMatchObject({ size: 1, dropped: 1, drops: { bucket_mismatch: 1 } });
  });

  it('gives structured labels: the row’s, target, dp_rank; never the lens’s constant labels', () => {
    const snap = snapshot();
    expect(snap.byId.get('requests')).toEqual([
      {
        labels: [
          ['model_name', 'm'],
          ['engine', 'vllm'],
          ['finish_reason', 'stop'],
          ['target', 'a:8000'],
          ['dp_rank', '0'],
        ],
        value: 7,
      },
    ]);
    expect(snap.byId.get('kvCacheUsage')?.map((s) => s.value)).toEqual([0.5]);
    expect(snap.size).toBe(3);
  });

  it('leaves out labels without a value and refuses series past the limit', () => {
    const b = new SnapshotBuilder('tgi', 't', 1);
    b.counter('requests', { model: 'm' }, 1);
    b.counter('requestErrors', { model: 'm', labels: { error_type: 'oom' } }, 1);
    const snap = b.build();
    expect(snap.byId.get('requests')?.[0]?.labels).toEqual([
      ['model_name', 'm'],
      ['engine', 'tgi'],
      ['target', 't'],
    ]);
    expect(snap.dropped).toBe(1);
  });
});

describe('mirrored series through core’s exposition', () => {
  it('share the lens’s family blocks, get its constant labels, keep the engine’s buckets', () => {
    const lens = createLens({ engine: 'gateway', constLabels: { pod: 'p1' } });
    lens.request({ model: 'm' }).abort();
    lens.handles('m').timeToFirstToken.observe(0.2);
    attach(lens);
    const text = lens.render();
    const r = parse(text);
    expect(r.errors).toEqual([]);
    const types = text.split('\n').filter((l) => l.startsWith('# TYPE '));
    expect(new Set(types).size).toBe(types.length);
    const requests = r.families.find((f) => f.name === schema.requests.prometheus)!;
    expect(requests.samples.map((s) => [s.labels, s.value])).toEqual([
      [{ model_name: 'm', engine: 'gateway', finish_reason: 'abort', pod: 'p1' }, 1],
      [
        {
          model_name: 'm',
          engine: 'vllm',
          finish_reason: 'stop',
          target: 'a:8000',
          dp_rank: '0',
          pod: 'p1',
        },
        7,
      ],
    ]);
    const kv = r.families.find((f) => f.name === schema.kvCacheUsage.prometheus)!;
    expect(kv.help).toBe(schema.kvCacheUsage.help);
    expect(kv.samples[0]!.value).toBe(0.5);
    const ttft = r.families.find((f) => f.name === schema.timeToFirstToken.prometheus)!;
    const mirrored = ttft.samples.filter(
      (s) => s.labels.target === 'a:8000' && s.name.endsWith('_bucket'),
    );
    // The engine's own bounds, float noise and all, and the lens's own series beside them.
    expect(mirrored.map((s) => s.labels.le)).toEqual([
      '0.001',
      '0.00015000000000000001',
      '1',
      '+Inf',
    ]);
    expect(
      ttft.samples.filter((s) => s.labels.engine === 'gateway' && s.name.endsWith('_bucket'))
        .length,
    ).toBe(schema.timeToFirstToken.buckets.length + 1);
  });

  it('writes valid OpenMetrics: counter families without _total, canonical le, one # EOF', () => {
    const lens = createLens({ engine: 'gateway' });
    attach(lens);
    const text = lens.render('openmetrics');
    expect(text.match(/# EOF/g)).toHaveLength(1);
    const r = parse(text);
    expect(r.errors).toEqual([]);
    const requests = r.families.find(
      (f) => f.name === schema.requests.prometheus.replace(/_total$/, ''),
    )!;
    expect(requests.type).toBe('counter');
    expect(text).toContain('le="1.0"');
  });
});

/** A toy engine: one gauge and one histogram, enough to see the source end to end. */
const toy: EngineAdapter = {
  engine: 'toy',
  packageName: 'toy-test',
  normalize(samples, target, out) {
    for (const s of samples.get('toy_running'))
      out.gauge('requestsRunning', { model: target.model ?? 'unknown' }, s.value);
    for (const { histogram } of samples.histograms('toy_ttft'))
      out.histogram('timeToFirstToken', { model: target.model ?? 'unknown' }, histogram);
  },
};
const BODY = [
  'toy_running 3',
  'toy_ttft_bucket{le="0.5"} 1',
  'toy_ttft_bucket{le="2"} 3',
  'toy_ttft_bucket{le="+Inf"} 4',
  'toy_ttft_count 4',
  '',
].join('\n');

describe('createEngineSource', () => {
  let server: Server;
  let url: string;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(BODY);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is a mirror of the lens’s store: lens.scrape() scrapes the targets and shows them', async () => {
    const lens = createLens({ engine: 'gateway', constLabels: { pod: 'p1' } });
    const source = createEngineSource(toy, {
      lens,
      targets: [
        { url, name: 'a', model: 'm' },
        { url, name: 'b', model: 'm' },
      ],
    });
    const before = hits;
    const { body } = await lens.scrape();
    expect(hits - before).toBe(2);
    expect(sampleValue(body, 'requestsRunning', { target: 'a', pod: 'p1' })).toBe(3);
    expect(sampleValue(body, 'requestsRunning', { target: 'b', engine: 'toy' })).toBe(3);
    expect(sampleValue(body, 'timeToFirstToken', { target: 'a', le: '2' }, '_bucket')).toBe(3);
    expect(sampleValue(body, 'timeToFirstToken', { target: 'a' }, '_sum')).toBeUndefined();
    expect(sampleValue(body, 'sourceUp', { engine: 'toy', target: 'b' })).toBe(1);
    // Both targets' series, structured; core adds pod="p1" itself.
    expect(source.mirrored('requestsRunning')?.map((s) => s.labels)).toEqual([
      [
        ['model_name', 'm'],
        ['engine', 'toy'],
        ['target', 'a'],
      ],
      [
        ['model_name', 'm'],
        ['engine', 'toy'],
        ['target', 'b'],
      ],
    ]);
    expect(lens.store.mirrored('timeToFirstToken')).toHaveLength(2);
    source.close();
    expect(lens.store.mirrored('requestsRunning')).toEqual([]);
    expect(lens.render()).not.toContain('engine="toy"');
  });
});
