import { schema } from '@inferlens/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { createPrometheusExporter, type PrometheusPipeline } from '../src/prometheus-entry.js';
import { close, listen, recordedLens, TTFT } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** exporter-prometheus turns OTel names into Prometheus ones by replacing dots with underscores. */
const promName = (otel: string) => otel.replaceAll('.', '_');

const SERIES =
  'gen_ai_operation_name="chat",gen_ai_request_model="llama-3-8b",gen_ai_provider_name="vllm",worker_id="w1",gen_ai_response_model="llama-3-8b",otel_scope_name="@inferlens/otel"';

/** `le` and value of each bucket line of one series, in order. */
function buckets(text: string, name: string, model: string): [string, number][] {
  const line = new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\S+)$`);
  const out: [string, number][] = [];
  for (const l of text.split('\n')) {
    const m = line.exec(l);
    if (!m || !m[1]!.includes(`gen_ai_request_model="${model}"`)) continue;
    out.push([/le="([^"]+)"/.exec(m[1]!)![1]!, Number(m[2])]);
  }
  return out;
}

async function pipeline(options: Parameters<typeof createPrometheusExporter>[1]) {
  const prom = await createPrometheusExporter(recordedLens(), options);
  cleanups.push(() => prom.shutdown());
  return prom;
}

async function mount(prom: PrometheusPipeline): Promise<string> {
  const { server, port } = await listen(prom.handler);
  cleanups.push(() => close(server));
  return `http://127.0.0.1:${port}`;
}

describe('createPrometheusExporter', () => {
  it('serves TTFT buckets with the schema bounds and cumulative counts over HTTP', async () => {
    const prom = await pipeline({ preventServerStart: true });
    const res = await fetch(`${await mount(prom)}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const ttft = promName(TTFT.otel);
    expect(ttft).toBe('gen_ai_server_time_to_first_token');
    expect(text).toContain(`# TYPE ${ttft} histogram\n`);
    expect(text).toContain(`# UNIT ${ttft} s\n`);
    expect(text).toContain(`# HELP ${ttft} ${TTFT.help}\n`);
    // 0.25 s and 3 s were recorded: cumulative counts step to 1 at le=0.25 and to 2 at le=5.
    const expected = [...TTFT.buckets.map(String), '+Inf'].map((le): [string, number] => [
      le,
      Number(le) >= 5 || le === '+Inf' ? 2 : Number(le) >= 0.25 ? 1 : 0,
    ]);
    expect(buckets(text, ttft, 'llama-3-8b')).toEqual(expected);
    expect(text).toMatch(
      new RegExp(`^${ttft}_bucket\\{${SERIES},otel_scope_version="[^"]+",le="0\\.25"\\} 1$`, 'm'),
    );
    expect(text).toMatch(
      new RegExp(`^${ttft}_sum\\{${SERIES},otel_scope_version="[^"]+"\\} 3\\.25$`, 'm'),
    );
    expect(text).toMatch(
      new RegExp(`^${ttft}_count\\{${SERIES},otel_scope_version="[^"]+"\\} 2$`, 'm'),
    );
    expect(buckets(text, ttft, 'mistral-7b').every(([, v]) => v === 0)).toBe(true);
  });

  it('renders counters with _total and semconv attributes as labels, and no unit suffix', async () => {
    const prom = await pipeline({ preventServerStart: true, withoutScopeInfo: true });
    const text = await (await fetch(`${await mount(prom)}/anything`)).text();
    expect(text).toMatch(
      /^llm_request_errors_total\{gen_ai_operation_name="chat",gen_ai_request_model="mistral-7b",gen_ai_provider_name="vllm",error_type="oom",worker_id="w1"\} 1$/m,
    );
    const usage = promName(schema.requestPromptTokens.otel);
    expect(text).toMatch(
      new RegExp(`^${usage}_count\\{[^}]*gen_ai_token_type="input"[^}]*\\} 2$`, 'm'),
    );
    expect(text).toMatch(
      new RegExp(`^${usage}_count\\{[^}]*gen_ai_token_type="output"[^}]*\\} 2$`, 'm'),
    );
    // The pull exporter adds no unit suffix; that is what the OTLP → Prometheus path adds.
    expect(text).not.toContain(`${promName(TTFT.otel)}_seconds`);
    expect(text).not.toContain(schema.timeToFirstToken.prometheus);
  });

  it('answers a scrape even when a collect hook hangs, after hookTimeoutMs', async () => {
    const lens = recordedLens();
    lens.onCollect(() => new Promise<void>(() => undefined));
    const prom = await createPrometheusExporter(lens, {
      preventServerStart: true,
      hookTimeoutMs: 20,
    });
    cleanups.push(() => prom.shutdown());
    const text = await (await fetch(`${await mount(prom)}/metrics`)).text();
    expect(buckets(text, promName(TTFT.otel), 'llama-3-8b')).toHaveLength(TTFT.buckets.length + 1);
  });

  it('starts the exporter’s own server on the given port and endpoint, and stops it', async () => {
    const { server, port } = await listen(() => undefined);
    await close(server); // a port that was free a moment ago
    const prom = await pipeline({ host: '127.0.0.1', port, endpoint: '/otel-metrics' });
    const text = await (await fetch(`http://127.0.0.1:${port}/otel-metrics`)).text();
    expect(buckets(text, promName(TTFT.otel), 'llama-3-8b')).toHaveLength(TTFT.buckets.length + 1);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    await prom.shutdown();
    await expect(fetch(`http://127.0.0.1:${port}/otel-metrics`)).rejects.toThrow();
  });

  it('rejects with the package name when the port is taken', async () => {
    const { server, port } = await listen(() => undefined);
    cleanups.push(() => close(server));
    await expect(
      createPrometheusExporter(recordedLens(), { host: '127.0.0.1', port }),
    ).rejects.toThrow(
      /^\[@inferlens\/otel\] exporter-prometheus could not listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/,
    );
  });

  it('refuses port 0 at setup instead of silently listening on 9464', () => {
    expect(() => createPrometheusExporter(recordedLens(), { port: 0 })).toThrow(
      /^\[@inferlens\/otel\] port: .*9464/,
    );
    expect(() => createPrometheusExporter(recordedLens(), { endpoint: '' })).toThrow(/endpoint/);
    expect(() => createPrometheusExporter({} as never)).toThrow(
      /^\[@inferlens\/otel\] createMetricProducer/,
    );
  });
});
