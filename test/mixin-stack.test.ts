import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schema } from '@inferlens/core/internal';
import { type Mixin, panelQueries, variables, writeMixin } from '@inferlens/mixin/internal';
import {
  type FakeLlamacpp,
  type FakeSglang,
  type FakeTgi,
  type FakeVllm,
  startFakeLlamacpp,
  startFakeSglang,
  startFakeTgi,
  startFakeVllm,
} from '@inferlens/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { fakeLibrary } from '../packages/nvml/test/fake.js';
import { freePort, type PrometheusServer, runPrometheus } from './helpers/prometheus.js';
import { type ExampleProcess, startExample, startQuickstart } from './helpers/quickstart.js';

/**
 * The generated monitoring stack on real parts. A real Prometheus 2.42 runs the generated
 * prometheus.yml and rules and scrapes five real processes: two quickstart workers (different
 * worker_id, the fake NVML library for GPU series, some engine failures), the vLLM gateway in
 * front of a fake vLLM, and a fake vLLM, TGI, SGLang and llama.cpp server scraped directly with
 * their native names.
 * Every recording rule, every source of every rule, and every dashboard panel's query must return
 * data; then one worker is overloaded until its KV cache crosses the critical threshold, and the
 * alert must reach a real Alertmanager 0.25 that posts it to a webhook in this test.
 */
const GATEWAY_DIR = fileURLToPath(new URL('../examples/vllm-gateway/', import.meta.url));
const QS_MODEL = 'sim-llama-3-8b';
const GATEWAY_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const DIRECT_MODEL = 'direct/vllm-model';
const SGLANG_MODEL = 'direct/sglang-model';

let dir: string;
let mixin: Mixin;
let prom: PrometheusServer;
let alertmanager: ChildProcess;
let webhook: Server;
const received: { status: string; alerts: { status: string; labels: Record<string, string> }[] }[] =
  [];
const workers: ExampleProcess[] = [];
let gateway: ExampleProcess;
let behindGateway: FakeVllm;
let directVllm: FakeVllm;
let directTgi: FakeTgi;
let directSglang: FakeSglang;
let directLlamacpp: FakeLlamacpp;
/** A llama.cpp build from before mid-2025, which still had the KV-cache gauge. */
let olderLlamacpp: FakeLlamacpp;
let stopTraffic = false;
const traffic: Promise<void>[] = [];

const hostPort = (url: string) => new URL(url).host;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends requests in a loop until the test stops it; failures are expected and ignored. */
function loop(send: () => Promise<unknown>, pauseMs: number): void {
  traffic.push(
    (async () => {
      while (!stopTraffic) {
        await send().catch(() => {});
        await sleep(pauseMs);
      }
    })(),
  );
}

const chat = (base: string, model: string, prompt: string, maxTokens: number) =>
  fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: prompt }],
      max_tokens: maxTokens,
      stream: true,
      stream_options: { include_usage: true },
    }),
  }).then((r) => r.text());

async function startAlertmanager(config: string): Promise<string> {
  const port = await freePort();
  alertmanager = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  alertmanager.stderr?.on('data', (d) => {
    stderr += d;
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok) return `127.0.0.1:${port}`;
    } catch {}
    if (alertmanager.exitCode !== null || Date.now() > deadline)
      throw new Error(`alertmanager did not start: ${stderr}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'inferlens-mixin-stack-'));
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as { port: number }).port}/alerts`;

  const nvml = fakeLibrary();
  for (const id of ['w1', 'w2'])
    workers.push(
      await startQuickstart(
        [
          '--port',
          '0',
          '--worker-id',
          id,
          '--failure-rate',
          '0.05',
          '--rps',
          '6',
          '--concurrency',
          '6',
        ],
        { INFERLENS_NVML_LIBRARY: nvml },
      ),
    );
  behindGateway = await startFakeVllm({ model: GATEWAY_MODEL, dataParallel: 2 });
  directVllm = await startFakeVllm({ model: DIRECT_MODEL });
  directTgi = await startFakeTgi();
  directSglang = await startFakeSglang({ model: SGLANG_MODEL, dataParallel: 2 });
  directLlamacpp = await startFakeLlamacpp();
  olderLlamacpp = await startFakeLlamacpp({ version: '2024' });
  gateway = await startExample(
    GATEWAY_DIR,
    ['--upstream', `vllm=${behindGateway.url}`, '--port', '0'],
    /gateway listening on (http:\/\/\S+)/,
  );

  // Alertmanager first: Prometheus is configured with its address.
  const generatedAm = join(dir, 'out/alertmanager/alertmanager.yml');
  const generate = (alertmanagerAddr: string) =>
    writeMixin(join(dir, 'out'), {
      stack: {
        jobs: {
          quickstart: workers.map((w) => hostPort(w.url)),
          gateway: [hostPort(gateway.url)],
          vllm: [hostPort(directVllm.url)],
          tgi: [hostPort(directTgi.url)],
          sglang: [hostPort(directSglang.url)],
          llamacpp: [hostPort(directLlamacpp.url), hostPort(olderLlamacpp.url)],
        },
        interval: '1s',
        alertmanager: alertmanagerAddr,
        webhookUrl,
      },
      sloLongWindowInterval: '1s',
      prices: { [QS_MODEL]: { input: 0.05, output: 0.1 } },
      alerts: { LLMKVCacheUsageCritical: { for: '2s' } },
    });
  mixin = generate('127.0.0.1:9');
  // Alertmanager's own timings are for production (group_wait 30 s); a test waits 1 s.
  const am = parse(readFileSync(generatedAm, 'utf8')) as { route: Record<string, string> };
  Object.assign(am.route, { group_wait: '1s', group_interval: '1s', repeat_interval: '1m' });
  writeFileSync(join(dir, 'alertmanager.yml'), stringify(am));
  mixin = generate(await startAlertmanager(join(dir, 'alertmanager.yml')));
  prom = await runPrometheus(join(dir, 'out/prometheus/prometheus.yml'), dir, await freePort());

  // Traffic: the workers run their own load; the gateway, vLLM and TGI get a steady trickle, TGI
  // some prompts too long for it (validation failures).
  loop(() => chat(gateway.url, GATEWAY_MODEL, 'Hello from the gateway. '.repeat(8), 24), 150);
  loop(
    () => chat(directVllm.url, DIRECT_MODEL, 'Tell me about prefix caching. '.repeat(8), 24),
    150,
  );
  loop(() => chat(directSglang.url, SGLANG_MODEL, 'What is RadixAttention? '.repeat(8), 24), 150);
  for (const l of [directLlamacpp, olderLlamacpp])
    loop(() => chat(l.url, 'any', 'What is a GGUF file? '.repeat(8), 24), 150);
  const tgi = (inputs: string, maxNewTokens: number) =>
    fetch(`${directTgi.url}/generate_stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs, parameters: { max_new_tokens: maxNewTokens } }),
    }).then((r) => r.text());
  loop(() => tgi('What is TGI? '.repeat(6), 24), 150);
  loop(() => tgi('far too long '.repeat(400), 8), 2000);
  await prom.waitForScrapes(['quickstart', 'gateway', 'vllm', 'tgi', 'sglang', 'llamacpp'], 3);
}, 120_000);

afterAll(async () => {
  stopTraffic = true;
  await Promise.all(traffic);
  await prom?.stop();
  alertmanager?.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  await gateway?.stop('SIGKILL');
  await Promise.all(
    [behindGateway, directVllm, directTgi, directSglang, directLlamacpp, olderLlamacpp].map((s) =>
      s?.close(),
    ),
  );
  webhook?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Retries `check` until it passes or `ms` ran out (rates need a few scrapes to exist). */
async function eventually<T>(check: () => Promise<T>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await sleep(1000);
    }
  }
}

/** Which of `exprs` return no series now. */
async function empty(exprs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const e of exprs) if ((await prom.query(e)).length === 0) out.push(e);
  return out;
}

describe('the generated stack on a real Prometheus and Alertmanager', () => {
  it('loads every generated rule file with every rule healthy', async () => {
    const data = (await prom.api('/api/v1/rules')) as {
      groups: { file: string; rules: { name: string; health: string; lastError?: string }[] }[];
    };
    const rules = data.groups.flatMap((g) => g.rules);
    const expected = Object.values(mixin.rules)
      .flat()
      .reduce((n, g) => n + g.rules.length, 0);
    expect(rules).toHaveLength(expected);
    await eventually(async () => {
      const now = ((await prom.api('/api/v1/rules')) as typeof data).groups.flatMap((g) => g.rules);
      const bad = now.filter((r) => r.health !== 'ok');
      expect(bad, JSON.stringify(bad.slice(0, 3))).toEqual([]);
    }, 30_000);
  });

  it('every recording rule returns data, from every source it maps (inferlens, vLLM, TGI, SGLang, llama.cpp)', async () => {
    const recorded = Object.values(mixin.rules)
      .flat()
      .flatMap((g) => g.rules)
      .filter((r) => 'record' in r)
      .map((r) => {
        const labels = Object.entries((r as { labels?: Record<string, string> }).labels ?? {});
        return labels.length
          ? `${(r as { record: string }).record}{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}}`
          : (r as { record: string }).record;
      });
    const parts = mixin.recordingRules.map((r) => r.expr);
    await eventually(async () => {
      const missing = [...(await empty(recorded)), ...(await empty(parts))];
      expect(missing, missing.slice(0, 5).join('\n')).toEqual([]);
    }, 60_000);
    // Native series really took part: the vLLM pod scraped directly and TGI's are there by name.
    const models = await prom.query(
      'count by (model_name, engine, job) (model:llm_generation_tokens:rate5m)',
    );
    const seen = models.map((m) => `${m.metric.job}/${m.metric.engine}/${m.metric.model_name}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        `vllm/vllm/${DIRECT_MODEL}`,
        'tgi/tgi/unknown',
        `sglang/sglang/${SGLANG_MODEL}`,
        'llamacpp/llamacpp/unknown',
        `quickstart/simulated/${QS_MODEL}`,
        `gateway/vllm/${GATEWAY_MODEL}`,
      ]),
    );
  }, 90_000);

  it('every dashboard panel query returns data, with the template variables set to All', async () => {
    const queries = mixin.dashboards.flatMap(({ file, dashboard }) => {
      const vars = variables(dashboard as never).map((v) => v.name);
      return panelQueries(dashboard as never).map((q) => {
        let expr = q.expr
          .replaceAll('$__rate_interval', '1m')
          .replaceAll('$__interval', '15s')
          .replaceAll('$__range', '5m');
        for (const v of vars) expr = expr.replaceAll(`\${${v}}`, '.*').replaceAll(`$${v}`, '.*');
        return { where: `${file} / ${q.panel}`, expr };
      });
    });
    expect(queries.length).toBeGreaterThan(40);
    for (const q of queries) expect(q.expr, q.where).not.toMatch(/\$/);
    await eventually(async () => {
      const missing: string[] = [];
      for (const q of queries)
        if ((await prom.query(q.expr)).length === 0) missing.push(`${q.where}: ${q.expr}`);
      expect(missing, missing.slice(0, 5).join('\n')).toEqual([]);
    }, 60_000);
  }, 90_000);

  it('a KV cache driven past the critical threshold fires the alert through Alertmanager to the webhook', async () => {
    const kv = schema.kvCacheUsage.prometheus;
    // Many long requests at once on worker 1: its simulated KV cache (320 blocks) fills up.
    const long = () =>
      chat(
        workers[0]!.url,
        QS_MODEL,
        'A long prompt that fills the KV cache. '.repeat(40),
        400,
      ).catch(() => '');
    const burst = Array.from({ length: 48 }, long);
    await eventually(async () => {
      const v = await prom.query(`max(${kv}{worker_id="w1"})`);
      expect(Number(v[0]?.value[1])).toBeGreaterThan(0.9);
    }, 30_000);
    // The rule fires once the cache stays past the threshold for its `for` (2 s): on a slow
    // machine the burst can drain first, so while nothing has fired the cache is topped up every
    // 5 s (twice at most), and the condition the alert is about still holds.
    let checks = 0;
    const alert = await eventually(async () => {
      const a = received
        .flatMap((r) => r.alerts)
        .find((x) => x.labels.alertname === 'LLMKVCacheUsageCritical' && x.status === 'firing');
      if (a === undefined && ++checks % 5 === 0 && checks <= 10)
        for (let i = 0; i < 16; i++) burst.push(long());
      expect(a).toBeDefined();
      return a!;
    }, 45_000);
    expect(alert.labels).toMatchObject({
      severity: 'critical',
      worker_id: 'w1',
      job: 'quickstart',
      model_name: QS_MODEL,
    });
    await Promise.all(burst);
  }, 120_000);
});
