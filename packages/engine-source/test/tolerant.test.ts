import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLens } from '@inferlens/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineSource, type EngineAdapter, type SourceError } from '../src/index.js';
import { sampleValue } from './samples.js';

/** An adapter for a made-up engine: `demo:running` and the `demo:latency_seconds` histogram. */
const demo: EngineAdapter = {
  engine: 'demo',
  packageName: '@inferlens/demo',
  normalize(samples, _target, out) {
    for (const s of samples.get('demo:running'))
      out.gauge('requestsRunning', { model: s.labels.model ?? 'm' }, s.value);
    for (const h of samples.histograms('demo:latency_seconds'))
      out.histogram('e2eRequestLatency', { model: h.labels.model ?? 'm' }, h.histogram);
  },
};

let body = '';
let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((_q, res) =>
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function source(strict = false) {
  const lens = createLens({ engine: 'gateway' });
  const errors: SourceError[] = [];
  const src = createEngineSource(demo, {
    lens,
    targets: [{ url, name: 'd' }],
    scrapeOnCollect: false,
    strict,
    onError: (e) => errors.push(e),
  });
  return { lens, src, errors };
}

const t = { engine: 'demo', target: 'd' };

describe('tolerant parsing', () => {
  it('skips each bad line alone, counts it by reason, and keeps the rest of the scrape', async () => {
    body = [
      'demo:running{model="a"} 3',
      'demo:running{model="b"} -nan', // a value that does not parse: only this sample is lost
      'demo:running{model="c" 2', // a broken line
      '# TYPE demo:latency_seconds histogram',
      'demo:latency_seconds_bucket{model="a",le="1"} 2',
      'demo:latency_seconds_bucket{model="a",le="+Inf"} 3',
      'demo:latency_seconds_sum{model="a"} 2.5',
      'demo:latency_seconds_bucket{model="z",le="1"} 2', // no +Inf and no _count: unusable
      '',
    ].join('\n');
    const { lens, src, errors } = source();
    await src.refresh();
    const text = lens.render();
    expect(src.status()[0]).toMatchObject({
      up: true,
      standardSeries: 2,
      problem: undefined,
      dropped: { bad_value: 1, bad_line: 1, histogram_incomplete: 1 },
    });
    expect(sampleValue(text, 'requestsRunning', { model_name: 'a', target: 'd' })).toBe(3);
    expect(sampleValue(text, 'requestsRunning', { model_name: 'b', target: 'd' })).toBeUndefined();
    expect(sampleValue(text, 'e2eRequestLatency', { model_name: 'a' }, '_count')).toBe(3);
    for (const [reason, n] of [
      ['bad_value', 1],
      ['bad_line', 1],
      ['histogram_incomplete', 1],
    ] as const)
      expect(sampleValue(text, 'sourceSeriesDropped', { ...t, reason })).toBe(n);
    expect(sampleValue(text, 'sourceStandardSeries', t)).toBe(2);
    expect(errors).toEqual([]);
    // Counted again on every scrape that skips them (a counter of skipped lines).
    await src.refresh();
    expect(sampleValue(lens.render(), 'sourceSeriesDropped', { ...t, reason: 'bad_value' })).toBe(
      2,
    );
    src.close();
    expect(
      sampleValue(lens.render(), 'sourceSeriesDropped', { ...t, reason: 'bad_value' }),
    ).toBeUndefined();
  });

  it('refuses the whole scrape in strict mode, as Prometheus does', async () => {
    body = 'demo:running{model="a"} 3\ndemo:running{model="b"} -nan\n';
    const { src, errors } = source(true);
    await src.refresh();
    expect(src.status()[0]).toMatchObject({ up: false, lastError: { reason: 'malformed' } });
    expect(errors.map((e) => e.reason)).toEqual(['malformed']);
    src.close();
  });

  it('refuses a body where nothing parses (an HTML page is not a metrics scrape)', async () => {
    body = '<html>\n<body>Welcome</body>\n</html>\n';
    const { src } = source();
    await src.refresh();
    expect(src.status()[0]).toMatchObject({ up: false, lastError: { reason: 'malformed' } });
    src.close();
  });
});

describe('a target that answers but fills no standard row', () => {
  it('stays up, says standard_series 0, sets the problem and tells onError', async () => {
    body = '# TYPE other_engine_queue gauge\nother_engine_queue 4\n';
    const { lens, src, errors } = source();
    await src.refresh();
    const text = lens.render();
    expect(sampleValue(text, 'sourceUp', t)).toBe(1);
    expect(sampleValue(text, 'sourceStandardSeries', t)).toBe(0);
    expect(src.status()[0]).toMatchObject({
      up: true,
      standardSeries: 0,
      problem: 'no_standard_series',
    });
    expect(errors).toEqual([
      expect.objectContaining({ engine: 'demo', target: 'd', reason: 'no_standard_series' }),
    ]);
    // Once it serves its metrics again, the problem clears.
    body = 'demo:running 1\n';
    await src.refresh();
    expect(src.status()[0]).toMatchObject({ standardSeries: 1, problem: undefined });
    src.close();
  });
});

describe('target labels (discovery)', () => {
  it('label the target’s mirrored series after target, never replace the series’ own', async () => {
    body = 'demo:running{model="a"} 3\n';
    const lens = createLens({ engine: 'gateway' });
    const src = createEngineSource(demo, {
      lens,
      targets: [{ url, name: 'd', labels: { zone: 'a', engine: 'not-this' } }],
      scrapeOnCollect: false,
    });
    await src.refresh();
    expect(src.mirrored('requestsRunning')?.[0]?.labels).toEqual([
      ['model_name', 'a'],
      ['engine', 'demo'],
      ['target', 'd'],
      ['zone', 'a'],
    ]);
    src.close();
    const bad: Record<string, string>[] = [
      { __meta: 'x' },
      { 'bad-name': 'x' },
      { n: 1 as unknown as string },
    ];
    for (const labels of bad)
      expect(() => createEngineSource(demo, { lens, targets: [{ url, labels }] })).toThrow(
        /^\[@inferlens\/demo\] target ".*": label .* is not a label name/,
      );
  });
});
