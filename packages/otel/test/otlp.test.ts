import { schema } from '@inferlens/core/internal';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpReader, type OtlpPipeline } from '../src/otlp-entry.js';
import {
  attachEngine,
  close,
  ENGINE_ATTRIBUTES,
  engineState,
  listen,
  otlpReceiver,
  recordedLens,
  served,
  TTFT,
} from './helpers.js';

/** OTLP/JSON as the collector receives it (opentelemetry-proto, JSON mapping). */
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
}
interface OtlpPoint {
  attributes: { key: string; value: AnyValue }[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  asDouble?: number;
  explicitBounds?: number[];
  bucketCounts?: (number | string)[];
  count?: number | string;
  sum?: number;
}
interface OtlpMetric {
  name: string;
  unit: string;
  description: string;
  histogram?: { aggregationTemporality: number; dataPoints: OtlpPoint[] };
  sum?: { aggregationTemporality: number; isMonotonic: boolean; dataPoints: OtlpPoint[] };
  gauge?: { dataPoints: OtlpPoint[] };
}
interface OtlpRequest {
  resourceMetrics: {
    resource: { attributes: { key: string; value: AnyValue }[] };
    scopeMetrics: { scope: { name: string; version: string }; metrics: OtlpMetric[] }[];
  }[];
}

// opentelemetry-proto AggregationTemporality.
const DELTA = 1;
const CUMULATIVE = 2;

const pipelines: OtlpPipeline[] = [];
const servers: Awaited<ReturnType<typeof otlpReceiver>>['server'][] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.shutdown();
  for (const s of servers.splice(0)) await close(s);
});

async function setup(options: Parameters<typeof createOtlpReader>[1] = {}) {
  const receiver = await otlpReceiver();
  servers.push(receiver.server);
  const lens = recordedLens();
  const otlp = createOtlpReader(lens, { url: receiver.url, ...options });
  pipelines.push(otlp);
  return { lens, otlp, received: receiver.received };
}

function metricsIn(body: string): Map<string, OtlpMetric> {
  const request = JSON.parse(body) as OtlpRequest;
  const scopes = request.resourceMetrics.flatMap((rm) => rm.scopeMetrics);
  const ours = scopes.filter((s) => s.scope.name === '@inferlens/otel');
  expect(ours).toHaveLength(1);
  return new Map(ours[0]!.metrics.map((m) => [m.name, m]));
}

function attrs(point: OtlpPoint): Record<string, string | boolean | undefined> {
  return Object.fromEntries(
    point.attributes.map((a) => [a.key, a.value.stringValue ?? a.value.boolValue]),
  );
}

function pointFor(metric: OtlpMetric | undefined, where: Record<string, string>): OtlpPoint {
  const points =
    metric?.histogram?.dataPoints ?? metric?.sum?.dataPoints ?? metric?.gauge?.dataPoints ?? [];
  const found = points.filter((p) => Object.entries(where).every(([k, v]) => attrs(p)[k] === v));
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('createOtlpReader', () => {
  it('POSTs OTLP/JSON to /v1/metrics with semconv names, units, attributes and exact bounds', async () => {
    const { otlp, received } = await setup({
      headers: { 'x-api-key': 'secret' },
      resource: resourceFromAttributes({ 'service.name': 'llm-gateway' }),
    });
    await otlp.forceFlush();
    expect(received).toHaveLength(1);
    const [post] = received;
    expect(post!.method).toBe('POST');
    expect(post!.url).toBe('/v1/metrics');
    expect(post!.headers['content-type']).toBe('application/json');
    expect(post!.headers['x-api-key']).toBe('secret');
    const request = JSON.parse(post!.body) as OtlpRequest;
    const resource = Object.fromEntries(
      request.resourceMetrics[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue]),
    );
    expect(resource['service.name']).toBe('llm-gateway');
    const metrics = metricsIn(post!.body);

    const ttft = metrics.get('gen_ai.server.time_to_first_token')!;
    expect(ttft.unit).toBe('s');
    expect(ttft.description).toBe(TTFT.help);
    expect(ttft.histogram!.aggregationTemporality).toBe(CUMULATIVE);
    const llama = pointFor(ttft, { 'gen_ai.request.model': 'llama-3-8b' });
    expect(attrs(llama)).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'llama-3-8b',
      'gen_ai.provider.name': 'vllm',
      worker_id: 'w1',
      'gen_ai.response.model': 'llama-3-8b',
    });
    expect(llama.explicitBounds).toEqual([...TTFT.buckets]);
    const counts = new Array(TTFT.buckets.length + 1).fill(0);
    counts[TTFT.buckets.indexOf(0.25)] = 1;
    counts[TTFT.buckets.indexOf(5)] = 1;
    expect(llama.bucketCounts!.map(Number)).toEqual(counts);
    expect(Number(llama.count)).toBe(2);
    expect(llama.sum).toBe(3.25);
    expect(BigInt(llama.timeUnixNano)).toBeGreaterThanOrEqual(BigInt(llama.startTimeUnixNano));

    const usage = metrics.get('gen_ai.client.token.usage')!;
    expect(usage.unit).toBe('{token}');
    const input = pointFor(usage, {
      'gen_ai.request.model': 'llama-3-8b',
      'gen_ai.token.type': 'input',
    });
    expect(input.explicitBounds).toEqual([...schema.requestPromptTokens.buckets]);
    expect(input.sum).toBe(312);
    const output = pointFor(usage, {
      'gen_ai.request.model': 'llama-3-8b',
      'gen_ai.token.type': 'output',
    });
    expect(output.sum).toBe(4);

    const duration = metrics.get('gen_ai.server.request.duration')!;
    expect(pointFor(duration, { 'gen_ai.request.model': 'llama-3-8b' }).explicitBounds).toEqual([
      ...schema.e2eRequestLatency.buckets,
    ]);
    const tpot = metrics.get('gen_ai.server.time_per_output_token')!;
    expect(pointFor(tpot, { 'gen_ai.request.model': 'llama-3-8b' }).sum).toBeCloseTo(0.05, 12);

    const errors = metrics.get(schema.requestErrors.otel)!;
    expect(errors.unit).toBe('{request}');
    expect(errors.sum).toMatchObject({ aggregationTemporality: CUMULATIVE, isMonotonic: true });
    const oom = pointFor(errors, { 'error.type': 'oom' });
    expect(attrs(oom)['gen_ai.request.model']).toBe('mistral-7b');
    expect(attrs(oom)['gen_ai.provider.name']).toBe('vllm');
    expect(attrs(oom)['gen_ai.operation.name']).toBe('chat');
    expect(oom.asDouble).toBe(1);

    const running = metrics.get(schema.requestsRunning.otel)!;
    expect(pointFor(running, { 'gen_ai.request.model': 'llama-3-8b' }).asDouble).toBe(0);
  });

  it('sends a mirrored engine histogram with its own explicitBounds and no sum', async () => {
    const { lens, otlp, received } = await setup();
    const state = engineState();
    attachEngine(lens, state);
    await otlp.forceFlush();
    const ttft = metricsIn(received[0]!.body).get(TTFT.otel)!;
    const engine = pointFor(ttft, { target: '10.0.0.5:8000' });
    expect(attrs(engine)).toEqual(served(ENGINE_ATTRIBUTES));
    expect(engine.explicitBounds).toEqual(state.ttft.bounds);
    expect(engine.bucketCounts!.map(Number)).toEqual([1, 2, 0, 2]);
    expect(Number(engine.count)).toBe(5);
    expect(engine).not.toHaveProperty('sum');
    expect(engine.timeUnixNano).toBe(engine.startTimeUnixNano);
    // The lens's own series keep the schema's bounds in the same metric.
    const own = pointFor(ttft, { 'gen_ai.request.model': 'llama-3-8b' });
    expect(own.explicitBounds).toEqual([...TTFT.buckets]);
    expect(ttft.histogram!.aggregationTemporality).toBe(CUMULATIVE);
    const running = pointFor(metricsIn(received[0]!.body).get(schema.requestsRunning.otel), {
      target: '10.0.0.5:8000',
    });
    expect(running.asDouble).toBe(3);
  });

  it('exports deltas between flushes when temporality is delta', async () => {
    const { lens, otlp, received } = await setup({
      temporality: 'delta',
      operationName: 'text_completion',
    });
    await otlp.forceFlush();
    const r = lens.request({ model: 'llama-3-8b', time: 6000 });
    r.firstToken(2, 6400);
    r.finish({ promptTokens: 5 }, 6400);
    await otlp.forceFlush();
    expect(received).toHaveLength(2);
    const [first, second] = received.map((p) => metricsIn(p.body));
    const model = { 'gen_ai.request.model': 'llama-3-8b' };
    const ttft1 = pointFor(first!.get(TTFT.otel), model);
    const ttft2 = pointFor(second!.get(TTFT.otel), model);
    expect(second!.get(TTFT.otel)!.histogram!.aggregationTemporality).toBe(DELTA);
    expect([Number(ttft1.count), Number(ttft2.count)]).toEqual([2, 1]);
    expect(ttft2.sum).toBeCloseTo(0.4, 12);
    expect(ttft2.startTimeUnixNano).toBe(ttft1.timeUnixNano);
    expect(attrs(ttft2)['gen_ai.operation.name']).toBe('text_completion');
    const tokens = second!.get(schema.generationTokens.otel)!;
    expect(tokens.sum!.aggregationTemporality).toBe(DELTA);
    expect(pointFor(tokens, model).asDouble).toBe(2);
  });

  it('exports once more on shutdown, and never throws when the collector is down', async () => {
    const { otlp, received } = await setup();
    await otlp.shutdown();
    pipelines.splice(0);
    expect(received).toHaveLength(1);

    const { server, port } = await listen(() => undefined);
    await close(server); // nothing listens here any more
    const down = createOtlpReader(recordedLens(), {
      url: `http://127.0.0.1:${port}/v1/metrics`,
      intervalMs: 2000,
      timeoutMs: 300,
    });
    await expect(down.forceFlush()).resolves.toBeUndefined();
    await down.shutdown();
  });

  it('throws at setup, with the package name, on bad options', () => {
    const lens = recordedLens();
    expect(() => createOtlpReader(lens, { url: 'localhost:4318' })).toThrow(
      /^\[@inferlens\/otel\] url/,
    );
    expect(() => createOtlpReader(lens, { intervalMs: 0 })).toThrow(
      /^\[@inferlens\/otel\] intervalMs/,
    );
    expect(() => createOtlpReader(lens, { intervalMs: 1000, timeoutMs: 5000 })).toThrow(
      /timeoutMs/,
    );
    expect(() => createOtlpReader(lens, { headers: { a: 1 } as never })).toThrow(/headers/);
    expect(() => createOtlpReader(lens, { temporality: 'both' as never })).toThrow(/temporality/);
  });
});
