import { createLens, type Lens, schema } from '@inferlens/core';
import { parse } from '@inferlens/prom-parse';
import { describe, expect, it } from 'vitest';
import { attachMirror, renderMerged, SnapshotBuilder } from '../src/index.js';
import { renderSeries } from '../src/snapshot.js';

/** A provider with a fixed snapshot, as an engine source is after one scrape. */
function mirror(lens: Lens): void {
  const b = new SnapshotBuilder('vllm', 'a:8000', lens.store.constLabels, 100);
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
  const snap = b.build();
  attachMirror(lens, {
    renderMirror: (om) => new Map([...snap.byId].map(([id, s]) => [id, renderSeries(id, s, om)])),
  });
}

describe('renderMerged', () => {
  it('puts mirrored series in the family block of the lens, one HELP/TYPE per family', () => {
    const lens = createLens({ engine: 'gateway', constLabels: { pod: 'p1' } });
    lens.request({ model: 'm' }).abort();
    lens.handles('m').timeToFirstToken.observe(0.2);
    mirror(lens);
    const text = renderMerged([lens], 'prometheus');
    const r = parse(text);
    expect(r.errors).toEqual([]);
    const names = text
      .split('\n')
      .filter((l) => l.startsWith('# TYPE '))
      .map((l) => l.split(' ')[2]);
    expect(new Set(names).size).toBe(names.length);
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
    mirror(lens);
    const text = renderMerged([lens], 'openmetrics');
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text.match(/# EOF/g)).toHaveLength(1);
    const r = parse(text);
    expect(r.errors).toEqual([]);
    const requests = r.families.find(
      (f) => f.name === schema.requests.prometheus.replace(/_total$/, ''),
    )!;
    expect(requests.type).toBe('counter');
    expect(text).toContain('le="1.0"');
  });

  it('merges several lenses: same family, one block, series from each', () => {
    const a = createLens({ engine: 'vllm', constLabels: { vantage: 'engine' } });
    const b = createLens({ engine: 'vllm', constLabels: { vantage: 'gateway' } });
    a.handles('m').promptTokens.inc(3);
    b.handles('m').promptTokens.inc(4);
    const r = parse(renderMerged([a, b], 'prometheus'));
    expect(r.errors).toEqual([]);
    const f = r.families.filter((x) => x.name === schema.promptTokens.prometheus);
    expect(f).toHaveLength(1);
    expect(f[0]!.samples.map((s) => [s.labels.vantage, s.value])).toEqual([
      ['engine', 3],
      ['gateway', 4],
    ]);
  });
});
