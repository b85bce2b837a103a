import { createRequire } from 'node:module';
import { createLens, type Lens, timeStream } from '@inferlens/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import {
  type CollectionResult,
  type HistogramMetricData,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createMetricProducer, type MetricProducerOptions } from '../src/index.js';
import { attachEngine, close, engineState, listen, metricsOf } from './helpers.js';

/** Every data point's attributes, by metric name. */
function pointsByName(result: CollectionResult): Map<string, Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>[]>();
  for (const m of metricsOf(result))
    out.set(
      m.descriptor.name,
      (m.dataPoints as { attributes: Record<string, unknown> }[]).map((p) => p.attributes),
    );
  return out;
}

async function collect(lens: Lens, options?: MetricProducerOptions) {
  const result = await createMetricProducer(lens, options).collect();
  expect(result.errors).toEqual([]);
  return pointsByName(result);
}

/** One request through the tracker: TTFT, one ITL, TPOT and e2e are all recorded. */
function oneRequest(lens: Lens, model = 'llama-3-8b'): void {
  const r = lens.request({ model });
  r.started();
  r.tokens(1);
  r.tokens(1);
  r.finish({ finishReason: 'stop', promptTokens: 5 });
}

function httpLens(options: Parameters<typeof createLens>[0] = { engine: 'e' }): Lens {
  const lens = createLens(options);
  lens.store.family('httpRequestDuration').series(['GET', '/v1', '200', 'completed']).observe(0.2);
  lens.store.family('httpRequestsInFlight').series(['GET']).set(1);
  lens.store.family('httpRequestSize').series(['GET', '/v1']).observe(10);
  lens.store.family('httpResponseSize').series(['GET', '/v1', '200']).observe(20);
  lens.store.family('httpRequests').series(['GET', '/v1', '200', 'completed']).inc();
  return lens;
}

const HTTP_SERVER = [
  'http.server.request.duration',
  'http.server.active_requests',
  'http.server.request.body.size',
  'http.server.response.body.size',
];

describe('url.scheme on http.server.* (Required by the HTTP semconv) (#15)', () => {
  it('is "http" by default, the urlScheme option otherwise, and only on http.server.*', async () => {
    for (const [options, scheme] of [
      [undefined, 'http'],
      [{ urlScheme: 'https' }, 'https'],
    ] as const) {
      const points = await collect(httpLens(), options);
      for (const name of HTTP_SERVER) {
        expect(points.get(name), name).toHaveLength(1);
        expect(points.get(name)![0]!['url.scheme'], name).toBe(scheme);
      }
      // Our own counter is no semconv metric and claims nothing.
      expect(points.get('inferlens.http.server.requests')![0]!['url.scheme']).toBeUndefined();
    }
  });

  it("comes from a series' own scheme label when it has one", async () => {
    const lens = createLens({ engine: 'e', extraLabels: { httpRequestDuration: ['scheme'] } });
    const d = lens.store.family('httpRequestDuration');
    d.series(['GET', '/v1', '200', 'completed', 'https']).observe(0.1);
    d.series(['GET', '/v1', '200', 'completed', '']).observe(0.2);
    const points = await collect(lens, { urlScheme: 'http' });
    expect(points.get('http.server.request.duration')!.map((a) => a['url.scheme'])).toEqual([
      'https',
      // An empty label means "not set", so the option's scheme stands.
      'http',
    ]);
  });

  it('a bad urlScheme fails at setup, naming the package and the field', () => {
    expect(() => createMetricProducer(createLens({ engine: 'e' }), { urlScheme: 'ht tp' })).toThrow(
      /^\[@inferlens\/otel\] urlScheme: must be a URI scheme/,
    );
  });
});

describe('gen_ai.response.model (#15)', () => {
  it('repeats the served model on gen_ai.* metrics of a server, and only there', async () => {
    const lens = createLens({ engine: 'vllm' });
    oneRequest(lens);
    const points = await collect(lens);
    for (const name of [
      'gen_ai.server.time_to_first_token',
      'gen_ai.server.time_per_output_token',
      'gen_ai.server.request.duration',
      'gen_ai.client.token.usage',
    ])
      for (const attributes of points.get(name)!)
        expect(attributes['gen_ai.response.model'], name).toBe('llama-3-8b');
    for (const name of ['llm.requests', 'llm.inter_token_latency'])
      expect(points.get(name)![0]!['gen_ai.response.model'], name).toBeUndefined();
  });

  it('is left out by a client, which knows only the model it asked for, unless told', async () => {
    const lens = createLens({
      engine: 'openai',
      extraLabels: { e2eRequestLatency: ['response_model'] },
    });
    const r = lens.request({ model: 'gpt-4o', labels: { response_model: 'gpt-4o-2024-08-06' } });
    r.started();
    r.tokens(1);
    r.finish({ finishReason: 'stop' });
    const points = await collect(lens, { vantage: 'client' });
    expect(points.get('gen_ai.client.operation.duration')).toEqual([
      expect.objectContaining({
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
      }),
    ]);
    expect(
      points.get('gen_ai.client.operation.time_to_first_chunk')![0]!['gen_ai.response.model'],
    ).toBeUndefined();
  });
});

describe('client-side timing as gen_ai.client.operation.* (#15)', () => {
  const CLIENT = {
    'gen_ai.client.operation.duration': 'e2eRequestLatency',
    'gen_ai.client.operation.time_to_first_chunk': 'timeToFirstToken',
    'gen_ai.client.operation.time_per_output_chunk': 'interTokenLatency',
    'llm.client.time_per_output_token': 'timePerOutputToken',
  };

  it('a lens marked vantage="gateway" (the gateway example) reports its timings as a client', async () => {
    const lens = createLens({ engine: 'vllm', constLabels: { vantage: 'gateway' } });
    oneRequest(lens);
    const points = await collect(lens);
    for (const name of Object.keys(CLIENT)) expect(points.get(name), name).toHaveLength(1);
    const duration = points.get('gen_ai.client.operation.duration')![0]!;
    expect(duration).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'llama-3-8b',
      'gen_ai.provider.name': 'vllm',
      vantage: 'gateway',
    });
    for (const name of [
      'gen_ai.server.time_to_first_token',
      'gen_ai.server.time_per_output_token',
      'gen_ai.server.request.duration',
      'llm.inter_token_latency',
    ])
      expect(points.has(name), name).toBe(false);
  });

  it('the engine series mirrored into a client lens stay server metrics, with the served model', async () => {
    const lens = createLens({ engine: 'vllm', constLabels: { worker_id: 'w1' } });
    oneRequest(lens);
    attachEngine(lens, engineState());
    const points = await collect(lens, { vantage: 'client' });
    expect(points.get('gen_ai.client.operation.time_to_first_chunk')).toHaveLength(1);
    expect(points.get('gen_ai.server.time_to_first_token')).toEqual([
      expect.objectContaining({
        'gen_ai.request.model': 'qwen',
        'gen_ai.response.model': 'qwen',
        target: '10.0.0.5:8000',
      }),
    ]);
  });

  it('timeStream over an SDK stream feeds the client instruments', async () => {
    const lens = createLens({ engine: 'openai' });
    async function* completion() {
      yield { delta: 'Hel', finish: undefined };
      yield { delta: 'lo', finish: 'stop' };
    }
    const r = lens.request({ model: 'gpt-4o' });
    for await (const _ of timeStream(r, completion(), {
      finish: (c) => (c.finish ? { finishReason: c.finish } : undefined),
    }));
    const result = await createMetricProducer(lens, { vantage: 'client' }).collect();
    const byName = new Map(metricsOf(result).map((m) => [m.descriptor.name, m]));
    const chunks = byName.get('gen_ai.client.operation.time_per_output_chunk') as
      | HistogramMetricData
      | undefined;
    expect(chunks?.dataPoints[0]?.value.count).toBe(1);
    const duration = byName.get('gen_ai.client.operation.duration') as HistogramMetricData;
    expect(duration.descriptor.unit).toBe('s');
    expect(duration.dataPoints[0]?.value.count).toBe(1);
  });

  it('vantage: "server" overrides the mark, and a bad vantage fails at setup', async () => {
    const lens = createLens({ engine: 'vllm', constLabels: { vantage: 'gateway' } });
    oneRequest(lens);
    const points = await collect(lens, { vantage: 'server' });
    expect(points.get('gen_ai.server.request.duration')).toHaveLength(1);
    expect(points.has('gen_ai.client.operation.duration')).toBe(false);
    expect(() => createMetricProducer(lens, { vantage: 'gateway' as unknown as 'client' })).toThrow(
      /^\[@inferlens\/otel\] vantage: must be "server" or "client"/,
    );
  });
});

interface ProtoType {
  decode(bytes: Uint8Array): unknown;
  toObject(
    message: unknown,
    options: { longs: NumberConstructor; enums: StringConstructor },
  ): unknown;
}
/** protobufjs code generated from the official opentelemetry-proto files. */
const { opentelemetry } = createRequire(import.meta.url)(
  'otlp-protobufjs/build/src/generated/root.js',
) as {
  opentelemetry: {
    proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: ProtoType } } } };
  };
};
const Request = opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

interface ProtoValue {
  stringValue?: string;
  intValue?: number;
  boolValue?: boolean;
}
interface ProtoMetric {
  name: string;
  histogram?: { dataPoints: { attributes: { key: string; value: ProtoValue }[] }[] };
  sum?: { dataPoints: { attributes: { key: string; value: ProtoValue }[] }[] };
}

describe('over OTLP/protobuf (#15)', () => {
  it('a collector decodes the client names, url.scheme and gen_ai.response.model', async () => {
    const bodies: Buffer[] = [];
    const { server, port } = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.headers['content-type'] === 'application/x-protobuf')
          bodies.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    const gateway = httpLens({ engine: 'vllm', constLabels: { vantage: 'gateway' } });
    oneRequest(gateway);
    attachEngine(gateway, engineState());
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `http://127.0.0.1:${port}/v1/metrics` }),
      exportIntervalMillis: 60_000,
      metricProducers: [createMetricProducer(gateway, { urlScheme: 'https' })],
    });
    const provider = new MeterProvider({ readers: [reader] });
    try {
      await provider.forceFlush();
    } finally {
      await provider.shutdown();
      await close(server);
    }
    expect(bodies.length).toBeGreaterThan(0);
    const request = Request.toObject(Request.decode(bodies[0]!), {
      longs: Number,
      enums: String,
    }) as { resourceMetrics: { scopeMetrics: { metrics: ProtoMetric[] }[] }[] };
    const metrics = new Map(
      request.resourceMetrics
        .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
        .map((m) => [m.name, m]),
    );
    const attributes = (name: string) =>
      (metrics.get(name)?.histogram ?? metrics.get(name)?.sum)?.dataPoints.map((p) =>
        Object.fromEntries(
          p.attributes.map(({ key, value }) => [
            key,
            value.stringValue ?? value.intValue ?? value.boolValue,
          ]),
        ),
      );
    expect(attributes('gen_ai.client.operation.duration')).toEqual([
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'llama-3-8b',
        'gen_ai.provider.name': 'vllm',
        vantage: 'gateway',
      },
    ]);
    expect(attributes('gen_ai.client.operation.time_to_first_chunk')).toHaveLength(1);
    expect(attributes('gen_ai.server.time_to_first_token')).toEqual([
      expect.objectContaining({ 'gen_ai.request.model': 'qwen', 'gen_ai.response.model': 'qwen' }),
    ]);
    expect(attributes('http.server.request.duration')).toEqual([
      {
        'http.request.method': 'GET',
        'http.route': '/v1',
        'http.response.status_code': 200,
        'inferlens.http.outcome': 'completed',
        'url.scheme': 'https',
        vantage: 'gateway',
      },
    ]);
  });
});
