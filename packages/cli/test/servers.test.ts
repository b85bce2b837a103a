import { fileURLToPath } from 'node:url';
import { type FakeTgi, type FakeVllm, startFakeTgi, startFakeVllm } from '@inferlens/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExampleProcess,
  startExample,
  startQuickstart,
} from '../../../test/helpers/quickstart.js';
import type { TargetReport } from '../src/check.js';
import type { ClientStats } from '../src/load/compare.js';
import type { Moved } from '../src/load/server.js';
import { inferlens, inferlensJson } from './helpers/run.js';

/**
 * `check` and `load` against real servers: the quickstart (its own load on, and a second one with
 * no load for `load`), and the vLLM gateway in front of a fake vLLM with two data-parallel ranks
 * and a fake TGI.
 */
const GATEWAY_DIR = fileURLToPath(new URL('../../../examples/vllm-gateway/', import.meta.url));

let busy: ExampleProcess;
let idle: ExampleProcess;
let gateway: ExampleProcess;
let vllm: FakeVllm;
let tgi: FakeTgi;

beforeAll(async () => {
  [busy, idle, vllm, tgi] = await Promise.all([
    startQuickstart(['--port', '0', '--rps', '8', '--concurrency', '4']),
    startQuickstart(['--port', '0', '--no-load']),
    startFakeVllm({ dataParallel: 2 }),
    startFakeTgi(),
  ]);
  gateway = await startExample(
    GATEWAY_DIR,
    ['--upstream', vllm.url, '--upstream', tgi.url, '--port', '0'],
    /gateway listening on (http:\/\/\S+)/,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([busy?.stop(), idle?.stop(), gateway?.stop()]);
  await Promise.all([vllm?.close(), tgi?.close()]);
});

const problems = (r: TargetReport) => r.findings.filter((f) => f.level === 'problem');

describe('inferlens check on real servers', () => {
  it('the quickstart: an inferlens app, every standard series there, healthy, moving', async () => {
    const run = await inferlens(['check', busy.url, '--interval', '1s']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/engine +inferlens app \(engine simulated\)/);
    expect(run.stdout).toMatch(/healthy: 1 target\(s\), no problems/);
    const { json } = await inferlensJson<TargetReport[]>(['check', busy.url, '--interval', '1s']);
    const r = json[0]!;
    expect(problems(r)).toEqual([]);
    expect(r.scrape!.format).toBe('OpenMetrics');
    const present = r.standard!.present.map((p) => p.name);
    expect(present).toEqual(
      expect.arrayContaining(['llm_time_to_first_token_seconds', 'llm_prefix_cache_hits_total']),
    );
    expect(r.movement!.changed).toBeGreaterThan(0);
    expect(r.lint!.groups).toEqual([]);
  });

  it('the gateway over vLLM and TGI: the upstreams with their health, no problems', async () => {
    const { code, json } = await inferlensJson<TargetReport[]>([
      'check',
      gateway.url,
      vllm.url,
      '--interval',
      '500ms',
    ]);
    expect(code).toBe(0);
    const [gw, direct] = json;
    expect(gw!.engine!.description).toBe('inferlens gateway over tgi, vllm');
    expect(gw!.engine!.evidence).toContain(
      `upstream ${new URL(vllm.url).host}: vllm, up (inferlens_source_up)`,
    );
    expect(direct!.engine!.description).toBe('vLLM V1 (0.11 or later), 2 data-parallel ranks');
    expect(direct!.standard!.missing).toEqual([]);
    // vLLM's colons are by design; promtool still says so, as a lint line, not a problem.
    expect(direct!.lint!.groups.map((g) => g.message)).toContain(
      "metric names should not contain ':'",
    );
    expect(problems(direct!)).toEqual([]);
  });

  it('the gateway with an upstream gone: a problem, exit 1', async () => {
    const lost = await startFakeVllm({ model: 'lost' });
    const gw = await startExample(
      GATEWAY_DIR,
      ['--upstream', `vllm=${lost.url}`, '--port', '0'],
      /gateway listening on (http:\/\/\S+)/,
    );
    try {
      await lost.close();
      let run = await inferlens(['check', gw.url, '--interval', '0']);
      for (let i = 0; i < 20 && run.code === 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        run = await inferlens(['check', gw.url, '--interval', '0']);
      }
      expect(run.code, run.stdout).toBe(1);
      expect(run.stdout).toMatch(/the gateway cannot scrape 1 engine\(s\): .* \(vllm\)/);
    } finally {
      await gw.stop();
    }
  });
});

interface LoadJson {
  client: ClientStats;
  server: Moved;
  rows: { what: string; disagreement?: string }[];
}

describe('inferlens load on the quickstart', () => {
  it('server-side and client-side counts agree: requests, tokens, TTFT', async () => {
    const { code, json } = await inferlensJson<LoadJson>([
      'load',
      idle.url,
      '--requests',
      '40',
      '--concurrency',
      '8',
      '--max-tokens',
      '24',
    ]);
    expect(json.rows.filter((r) => r.disagreement)).toEqual([]);
    expect(code).toBe(0);
    expect(json.client).toMatchObject({ sent: 40, ok: 40, errors: 0 });
    expect(json.server.counters.requests).toBe(40);
    expect(json.server.counters.promptTokens).toBe(json.client.promptTokens);
    expect(json.server.counters.generationTokens).toBe(json.client.completionTokens);
    expect(json.server.quantiles.timeToFirstToken?.count).toBe(40);
    expect(json.server.counters.prefixCacheHits).toBeGreaterThan(0);
  });

  it('at a rate, with client aborts the server counts as aborts; the table for people', async () => {
    const run = await inferlens([
      'load',
      idle.url,
      '--rate',
      '40',
      '--duration',
      '1s',
      '--abort-ratio',
      '0.5',
      '--max-tokens',
      '40',
    ]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(
      /requests +\d+ \(\d+ ok, [1-9]\d* aborted, 0 failed\) +\d+ \(.*abort [1-9]/,
    );
    expect(run.stdout).toMatch(/TTFT p50 \/ p90 \/ p99 +\d+ ms \/ \d+ ms \/ \d+ ms +\d+ ms/);
    expect(run.stdout).toMatch(/client and server agree/);
  });

  it('a server that is not there: exit 2, one line', async () => {
    const run = await inferlens(['load', 'http://127.0.0.1:1', '--requests', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^inferlens: http:\/\/127\.0\.0\.1:1: unreachable/);
  });
});
