import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLens } from '@inferlens/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAutoSource,
  detectEngine,
  type EngineAdapter,
  type SourceError,
} from '../src/index.js';
import { sampleValue } from './samples.js';

/** Two made-up engines: `alpha:` metrics, and `beta_` metrics with a `/beta-info` probe. */
const alpha: EngineAdapter = {
  engine: 'alpha',
  packageName: '@inferlens/alpha',
  metricPrefixes: ['alpha:'],
  normalize(samples, _t, out) {
    for (const s of samples.get('alpha:running'))
      out.gauge('requestsRunning', { model: 'a' }, s.value);
  },
};
const beta: EngineAdapter = {
  engine: 'beta',
  packageName: '@inferlens/beta',
  metricPrefixes: ['beta_'],
  probe: {
    path: '/beta-info',
    test: (j) => (j as { beta?: unknown })?.beta === true,
    model: (j) => (j as { model?: string }).model,
  },
  normalize(samples, _t, out) {
    for (const s of samples.get('beta_queue'))
      out.gauge('requestsWaiting', { model: 'b' }, s.value);
  },
};

interface Fake {
  url: string;
  server: Server;
  routes: Record<string, string>;
}
const fakes: Fake[] = [];
async function fake(routes: Record<string, string>): Promise<Fake> {
  const f = { url: '', server: createServer(), routes };
  f.server.on('request', (req, res) => {
    const body = f.routes[req.url ?? ''];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200).end(body);
  });
  await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
  f.url = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
  fakes.push(f);
  return f;
}
afterAll(() => Promise.all(fakes.map((f) => new Promise((r) => f.server.close(r)))));

let a: Fake;
let b: Fake;
let idleB: Fake;
let other: Fake;
beforeAll(async () => {
  a = await fake({
    '/metrics': 'alpha:running 2\n',
    '/v1/models': '{"data":[{"id":"m-a","owned_by":"alpha"}]}',
  });
  b = await fake({ '/metrics': 'beta_queue 1\nbeta_other 2\n' });
  // No series yet, but its own endpoint says what it is.
  idleB = await fake({ '/metrics': '', '/beta-info': '{"beta":true,"model":"m-b"}' });
  other = await fake({
    '/metrics': 'zeta_up 1\n',
    '/v1/models': '{"data":[{"id":"z","owned_by":"zeta"}]}',
  });
});

describe('detectEngine', () => {
  it('tells engines by metric names, then probes, then /v1/models owners, and says when it cannot', async () => {
    expect(await detectEngine(a.url, [alpha, beta])).toMatchObject({
      engine: 'alpha',
      by: 'metrics',
      models: ['m-a'],
    });
    expect(await detectEngine(b.url, [alpha, beta])).toMatchObject({
      engine: 'beta',
      by: 'metrics',
    });
    expect(await detectEngine(idleB.url, [alpha, beta])).toMatchObject({
      engine: 'beta',
      by: 'probe',
      models: ['m-b'],
    });
    const owner = await fake({ '/v1/models': '{"data":[{"id":"x","owned_by":"alpha"}]}' });
    expect(await detectEngine(owner.url, [alpha, beta])).toMatchObject({
      engine: 'alpha',
      by: 'models',
    });
    const unknown = await detectEngine(other.url, [alpha, beta]);
    expect(unknown).toMatchObject({ engine: undefined, by: undefined, models: ['z'] });
    expect(unknown.message).toMatch(/none of a known engine/);
    const down = await detectEngine('http://127.0.0.1:9', [alpha], {
      timeoutMs: 1000,
      maxBytes: 1000,
    });
    expect(down.engine).toBeUndefined();
    expect(down.message).toMatch(/\/metrics: unreachable/);
  });
});

describe('createAutoSource', () => {
  it('scrapes each target with its engine’s adapter and reports the one it cannot tell', async () => {
    const lens = createLens({ engine: 'fleet' });
    const errors: SourceError[] = [];
    const fleet = await createAutoSource([alpha, beta], {
      lens,
      targets: [a.url, b.url, { url: other.url, name: 'other' }],
      scrapeOnCollect: false,
      onError: (e) => errors.push(e),
    });
    await fleet.refresh();
    const st = Object.fromEntries(fleet.status().map((s) => [s.target, s]));
    expect(st[new URL(a.url).host]).toMatchObject({
      engine: 'alpha',
      up: true,
      standardSeries: 1,
      problem: undefined,
    });
    expect(st[new URL(b.url).host]).toMatchObject({ engine: 'beta', up: true, standardSeries: 1 });
    expect(st.other).toMatchObject({
      engine: 'unknown',
      up: true,
      standardSeries: 0,
      problem: 'unknown_engine',
    });
    expect(errors.map((e) => [e.target, e.reason])).toEqual([['other', 'unknown_engine']]);
    const text = lens.render();
    expect(sampleValue(text, 'requestsRunning', { engine: 'alpha' })).toBe(2);
    expect(sampleValue(text, 'sourceStandardSeries', { engine: 'unknown', target: 'other' })).toBe(
      0,
    );

    // Discovery: a target leaves (its series go), one arrives (detected), one is kept as it was.
    await fleet.setTargets([a.url, idleB.url]);
    await fleet.refresh();
    const after = lens.render();
    expect(
      fleet
        .status()
        .map((s) => [s.engine, s.detection.by])
        .sort(),
    ).toEqual([
      ['alpha', 'metrics'],
      ['beta', 'probe'],
    ]);
    expect(sampleValue(after, 'sourceUp', { engine: 'unknown', target: 'other' })).toBeUndefined();
    expect(
      sampleValue(after, 'sourceUp', { engine: 'beta', target: new URL(b.url).host }),
    ).toBeUndefined();
    expect(sampleValue(after, 'requestsRunning', { engine: 'alpha' })).toBe(2);
    fleet.close();
    expect(sampleValue(lens.render(), 'sourceUp', { engine: 'alpha' })).toBeUndefined();
  });

  it('takes a forced engine, re-detects the unknown, and rejects bad configuration', async () => {
    const lens = createLens({ engine: 'fleet' });
    const later = await fake({ '/metrics': 'nothing_yet 1\n' });
    const fleet = await createAutoSource([alpha, beta], {
      lens,
      targets: [{ url: b.url, engine: 'alpha' }, later.url],
      scrapeOnCollect: false,
      redetectMs: 50,
    });
    expect(fleet.status().map((s) => [s.engine, s.detection.by])).toEqual([
      ['alpha', 'forced'],
      ['unknown', undefined],
    ]);
    later.routes['/metrics'] = 'beta_queue 3\n'; // the engine finished starting
    for (let i = 0; i < 100 && fleet.status().some((s) => s.engine === 'unknown'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(
      fleet
        .status()
        .map((s) => s.engine)
        .sort(),
    ).toEqual(['alpha', 'beta']);
    await expect(fleet.setTargets(['ftp://x'])).rejects.toThrow(/not an http\(s\) URL/);
    expect(fleet.status()).toHaveLength(2); // unchanged
    fleet.close();
    await expect(createAutoSource([], { lens, targets: [] })).rejects.toThrow(
      /^\[@inferlens\/engine-source\] createAutoSource: give at least one adapter/,
    );
    await expect(
      createAutoSource([alpha], { lens, targets: [{ url: a.url, engine: 'gamma' }] }),
    ).rejects.toThrow(/no adapter for engine "gamma"/);
    await expect(createAutoSource([alpha], { lens, targets: [a.url, a.url] })).rejects.toThrow(
      /two targets/,
    );
  });
});
