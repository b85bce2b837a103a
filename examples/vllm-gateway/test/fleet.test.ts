import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { schema } from '@inferlens/core/internal';
import { parse } from '@inferlens/prom-parse';
import {
  startFakeLlamacpp,
  startFakeSglang,
  startFakeTgi,
  startFakeVllm,
} from '@inferlens/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type FleetStatus, type Gateway } from '../src/gateway.js';

/** A server of an engine nobody knows, or one that turns to garbage: its body is set by the test. */
async function startPlain(
  routes: Record<string, () => string>,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const body = routes[req.url ?? '']?.();
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': body.startsWith('{') ? 'application/json' : 'text/plain',
    });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const closers: (() => unknown)[] = [];
let gateway: Gateway;
const urls: Record<string, string> = {};
let garbage = false;
let sglang: Awaited<ReturnType<typeof startFakeSglang>>;

beforeAll(async () => {
  const opts = { engine: { eosProbability: 0 } };
  const v1 = await startFakeVllm({ ...opts, names: 'v1' });
  const v0 = await startFakeVllm({ ...opts, names: 'v0', engineLabel: false, created: false });
  const tgi = await startFakeTgi(opts);
  sglang = await startFakeSglang({ ...opts, version: 'current' });
  const llama = await startFakeLlamacpp({ ...opts, version: 'mid-2025', alias: 'llama-3.2-1b' });
  const turning = await startFakeLlamacpp({ ...opts, version: 'current' });
  const other = await startPlain({
    '/metrics': () => '# TYPE ollama_loaded_models gauge\nollama_loaded_models 1\n',
    '/v1/models': () => '{"object":"list","data":[{"id":"mystery","owned_by":"someone"}]}',
  });
  const flaky = await startPlain({
    '/metrics': () =>
      garbage ? '<html><body>502 Bad Gateway</body></html>\n' : turning.metricsText(),
  });
  for (const s of [v1, v0, tgi, sglang, llama, turning]) closers.push(() => s.close());
  for (const s of [other, flaky]) closers.push(() => new Promise((r) => s.server.close(r)));
  Object.assign(urls, {
    v1: v1.url,
    v0: v0.url,
    tgi: tgi.url,
    sglang: sglang.url,
    llama: llama.url,
    other: other.url,
    flaky: flaky.url,
  });
  gateway = await createGateway({
    upstreams: Object.values(urls).map((url) => ({ url, engine: undefined })),
    port: 0,
  });
});
afterAll(async () => {
  await gateway.close();
  for (const c of closers) await c();
});

async function status(): Promise<Record<string, FleetStatus>> {
  await new Promise((r) => setTimeout(r, 1050)); // past the sources' minimum scrape interval
  const list = (await (await fetch(`${gateway.url}/status`)).json()) as FleetStatus[];
  return Object.fromEntries(
    Object.entries(urls).map(([k, url]) => [k, list.find((s) => s.url === url)!]),
  );
}

describe('a mixed fleet through the gateway: every target’s status says the truth', () => {
  it('detects every engine by its metric names, and says which one it could not tell', () => {
    expect(gateway.upstreams.map((u) => [u.engine, u.detection.by])).toEqual([
      ['vllm', 'metrics'],
      ['vllm', 'metrics'],
      ['tgi', 'probe'], // an idle TGI has created no series yet: told by /info
      ['sglang', 'metrics'],
      ['llamacpp', 'metrics'],
      ['unknown', undefined],
      ['llamacpp', 'metrics'],
    ]);
    expect(gateway.upstreams[4]!.models).toEqual(['llama-3.2-1b']);
    expect(gateway.upstreams[5]!.detection.message).toMatch(/none of a known engine/);
  });

  it('reports health, standard series and skipped lines per target', async () => {
    const s = await status();
    for (const k of ['v1', 'v0', 'tgi', 'sglang', 'llama', 'flaky'])
      expect(s[k], k).toMatchObject({ up: true, problem: null });
    expect(s.v1!.standardSeries).toBeGreaterThan(20);
    expect(s.v0!.standardSeries).toBeGreaterThan(10);
    expect(s.tgi!.standardSeries).toBeGreaterThan(5);
    expect(s.sglang!.standardSeries).toBeGreaterThan(5);
    // An idle llama.cpp of mid-2025 prints -nan averages: skipped and said, the rest kept.
    expect(s.llama).toMatchObject({ engine: 'llamacpp', dropped: { bad_value: 3 } });
    expect(s.llama!.standardSeries).toBe(4);
    // Answers, but is no engine we know: up, yet reported, never "healthy with no data".
    expect(s.other).toMatchObject({
      engine: 'unknown',
      up: true,
      standardSeries: 0,
      problem: 'unknown_engine',
    });
  });

  it('tells one bad line from a target gone to garbage', async () => {
    sglang.fault = 'malformed'; // one line no parser accepts, the rest intact
    garbage = true; // an HTML error page instead of metrics
    const s = await status();
    sglang.fault = 'none';
    garbage = false;
    expect(s.sglang).toMatchObject({ up: true, dropped: { bad_line: 1 }, problem: null });
    expect(s.flaky).toMatchObject({ up: false, stale: true });
    expect(s.flaky!.lastError).toMatch(/^malformed/);
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const r = parse(text);
    expect(r.errors).toEqual([]);
    const std = r.families
      .find((f) => f.name === schema.sourceStandardSeries.prometheus)!
      .samples.map((x) => [x.labels.engine, x.value > 0]);
    expect(std.filter(([e]) => e === 'unknown')).toEqual([['unknown', false]]);
    expect(std.filter(([, ok]) => ok)).toHaveLength(6);
  });
});
