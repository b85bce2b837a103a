import { readFileSync } from 'node:fs';
import { createLens, type MetricDefinition, schema } from '@inferlens/core/internal';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type HistogramMetricData,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createMetricProducer, VERSION } from '../src/index.js';
import {
  bucketCounts,
  findMetric,
  llmAttributes,
  metricsOf,
  recordedLens,
  served,
  TTFT,
} from './helpers.js';

const rows: MetricDefinition[] = Object.values(schema);

describe('createMetricProducer', () => {
  it('exports TTFT with its semconv name, unit, attributes, exact bounds, counts and sum', async () => {
    const result = await createMetricProducer(recordedLens()).collect();
    expect(result.errors).toEqual([]);
    const ttft = findMetric(result, 'gen_ai.server.time_to_first_token') as HistogramMetricData;
    expect(ttft.descriptor).toEqual({
      name: 'gen_ai.server.time_to_first_token',
      unit: 's',
      description: TTFT.help,
      valueType: ValueType.DOUBLE,
    });
    expect(ttft.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(ttft.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    expect(ttft.dataPoints.map((p) => p.attributes)).toEqual([
      served(llmAttributes('llama-3-8b')),
      served(llmAttributes('mistral-7b')),
    ]);
    const [llama, mistral] = ttft.dataPoints;
    expect(llama!.value).toEqual({
      buckets: { boundaries: [...TTFT.buckets], counts: bucketCounts(TTFT.buckets, [0.25, 3]) },
      sum: 3.25,
      count: 2,
    });
    // 0.25 s sits in the le=0.25 bucket (bounds are inclusive), 3 s in le=5.
    expect(llama!.value.buckets.counts[TTFT.buckets.indexOf(0.25)]).toBe(1);
    expect(llama!.value.buckets.counts[TTFT.buckets.indexOf(5)]).toBe(1);
    expect(mistral!.value.count).toBe(0);
    expect(mistral!.value.buckets.counts).toEqual(new Array(TTFT.buckets.length + 1).fill(0));
  });

  it('merges input and output token histograms into one gen_ai.client.token.usage', async () => {
    const result = await createMetricProducer(recordedLens()).collect();
    const usage = findMetric(result, 'gen_ai.client.token.usage') as HistogramMetricData;
    expect(usage.descriptor.unit).toBe('{token}');
    expect(usage.descriptor.description).toBe(
      `${schema.requestPromptTokens.help} ${schema.requestGenerationTokens.help}`,
    );
    const bounds = schema.requestPromptTokens.buckets;
    const byKey = Object.fromEntries(
      usage.dataPoints.map((p) => [
        `${p.attributes['gen_ai.token.type']}/${p.attributes['gen_ai.request.model']}`,
        p,
      ]),
    );
    expect(Object.keys(byKey).sort()).toEqual([
      'input/llama-3-8b',
      'input/mistral-7b',
      'output/llama-3-8b',
      'output/mistral-7b',
    ]);
    const input = byKey['input/llama-3-8b']!;
    expect(input.attributes).toEqual(
      served(llmAttributes('llama-3-8b', { 'gen_ai.token.type': 'input' })),
    );
    expect(input.value).toEqual({
      buckets: { boundaries: [...bounds], counts: bucketCounts(bounds, [12, 300]) },
      sum: 312,
      count: 2,
    });
    expect(byKey['output/llama-3-8b']!.value).toEqual({
      buckets: { boundaries: [...bounds], counts: bucketCounts(bounds, [3, 1]) },
      sum: 4,
      count: 2,
    });
  });

  it('exports counters as monotonic cumulative sums with semconv attribute names', async () => {
    const result = await createMetricProducer(recordedLens()).collect();
    const requests = findMetric(result, schema.requests.otel) as SumMetricData;
    expect(requests.dataPointType).toBe(DataPointType.SUM);
    expect(requests.isMonotonic).toBe(true);
    expect(requests.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    expect(requests.descriptor.unit).toBe('{request}');
    expect(requests.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [llmAttributes('llama-3-8b', { 'llm.response.finish_reason': 'stop' }), 1],
      [llmAttributes('llama-3-8b', { 'llm.response.finish_reason': 'length' }), 1],
      [llmAttributes('mistral-7b', { 'llm.response.finish_reason': 'error' }), 1],
    ]);
    const errors = findMetric(result, schema.requestErrors.otel) as SumMetricData;
    expect(errors.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [llmAttributes('mistral-7b', { 'error.type': 'oom' }), 1],
    ]);
    const prompt = findMetric(result, schema.promptTokens.otel) as SumMetricData;
    expect(
      prompt.dataPoints.find((p) => p.attributes['gen_ai.request.model'] === 'llama-3-8b')!.value,
    ).toBe(312);
  });

  it('exports in-flight gauges as up-down sums and internal counters without gen_ai.operation.name', async () => {
    const result = await createMetricProducer(recordedLens()).collect();
    const running = findMetric(result, schema.requestsRunning.otel) as SumMetricData;
    expect(running.dataPointType).toBe(DataPointType.SUM);
    expect(running.isMonotonic).toBe(false);
    expect(running.dataPoints.map((p) => p.value)).toEqual([0, 0]);
    const dropped = findMetric(result, schema.eventsDropped.otel) as SumMetricData;
    const invalid = dropped.dataPoints.find((p) => p.attributes.reason === 'invalid_value');
    expect(invalid?.attributes).toEqual({ reason: 'invalid_value', worker_id: 'w1' });
  });

  it('gives every metric the unit of its schema row and skips families with no series', async () => {
    const result = await createMetricProducer(recordedLens()).collect();
    const names = metricsOf(result).map((m) => m.descriptor.name);
    expect(new Set(names).size).toBe(names.length);
    for (const metric of metricsOf(result)) {
      const row = rows.find((r) => r.otel === metric.descriptor.name)!;
      expect(metric.descriptor.unit).toBe(row.unit);
      expect(metric.descriptor.description).toContain(row.help);
      const kind: Record<string, DataPointType> = {
        counter: DataPointType.SUM,
        gauge: DataPointType.GAUGE,
        histogram: DataPointType.HISTOGRAM,
      };
      expect(metric.dataPointType).toBe(
        (row as MetricDefinition).otelUpDown ? DataPointType.SUM : kind[row.kind],
      );
    }
    // Nothing reported KV usage, so there is no KV series and no empty metric for it.
    expect(names).not.toContain(schema.kvCacheUsage.otel);
    expect(names).toContain(schema.timePerOutputToken.otel);
  });

  it('reports the scope, the resource and the operation name it was given', async () => {
    const resource = resourceFromAttributes({ 'service.name': 'llm-gateway' });
    const producer = createMetricProducer(recordedLens(), {
      operationName: 'text_completion',
      resource,
    });
    const result = await producer.collect();
    const { version } = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    );
    expect(VERSION).toBe(version);
    expect(result.resourceMetrics.scopeMetrics.map((s) => s.scope)).toEqual([
      { name: '@inferlens/otel', version },
    ]);
    expect(result.resourceMetrics.resource.attributes['service.name']).toBe('llm-gateway');
    const ttft = findMetric(result, TTFT.otel);
    expect(ttft.dataPoints[0]!.attributes['gen_ai.operation.name']).toBe('text_completion');
  });

  it('maps HTTP labels to HTTP semconv attributes, with the status code as an int', async () => {
    const lens = createLens({ engine: 'vllm' });
    const labels = { method: 'POST', route: '/v1/chat/completions', outcome: 'completed' };
    lens.series('httpRequests', { ...labels, status: '200' }).inc();
    lens.series('httpRequests', { ...labels, status: 'unknown' }).inc();
    const requests = findMetric(
      await createMetricProducer(lens).collect(),
      schema.httpRequests.otel,
    );
    const http = {
      'http.request.method': 'POST',
      'http.route': '/v1/chat/completions',
      'inferlens.http.outcome': 'completed',
    };
    expect(requests.dataPoints.map((p) => p.attributes)).toEqual([
      { ...http, 'http.response.status_code': 200 },
      { ...http, 'http.response.status_code': 'unknown' },
    ]);
  });

  it('uses the boundaries the store records with when buckets are overridden', async () => {
    const lens = recordedLens({ buckets: { timeToFirstToken: [0.5, 1, 30] } });
    const ttft = findMetric(
      await createMetricProducer(lens).collect(),
      TTFT.otel,
    ) as HistogramMetricData;
    expect(ttft.dataPoints[0]!.value.buckets).toEqual({
      boundaries: [0.5, 1, 30],
      counts: [1, 0, 1, 0],
    });
  });

  it('marks the overflow series with otel.metric.overflow and no row labels', async () => {
    const lens = createLens({ engine: 'tgi', seriesLimit: { timeToFirstToken: 1 } });
    for (const model of ['a', 'b', 'c']) {
      const r = lens.request({ model, time: 0 });
      r.firstToken(1, 100);
    }
    const ttft = findMetric(
      await createMetricProducer(lens).collect(),
      TTFT.otel,
    ) as HistogramMetricData;
    expect(ttft.dataPoints.map((p) => [p.attributes, p.value.count])).toEqual([
      [
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'a',
          'gen_ai.provider.name': 'tgi',
          'gen_ai.response.model': 'a',
        },
        1,
      ],
      [{ 'gen_ai.operation.name': 'chat', 'otel.metric.overflow': true }, 2],
    ]);
  });

  it('keeps a start time per series: the producer start, or the previous collection for new ones', async () => {
    const lens = recordedLens();
    const producer = createMetricProducer(lens);
    const first = await producer.collect();
    const firstPoint = findMetric(first, TTFT.otel).dataPoints[0]!;
    lens.request({ model: 'qwen', time: 6000 }).firstToken(1, 6100);
    const second = await producer.collect();
    const [llama, , qwen] = findMetric(second, TTFT.otel).dataPoints;
    expect(llama!.startTime).toEqual(firstPoint.startTime);
    expect(qwen!.attributes['gen_ai.request.model']).toBe('qwen');
    // qwen's series appeared after the first collection, so its values all lie after that moment.
    expect(qwen!.startTime).toEqual(firstPoint.endTime);
    expect(toNanos(llama!.endTime)).toBeGreaterThanOrEqual(toNanos(firstPoint.endTime));
  });

  it('reports deltas since the last collection when temporality is delta', async () => {
    const lens = recordedLens();
    const producer = createMetricProducer(lens, { temporality: 'delta' });
    const first = await producer.collect();
    const generation = (r: typeof first) =>
      (findMetric(r, schema.generationTokens.otel) as SumMetricData).dataPoints[0]!;
    expect(generation(first).value).toBe(4);
    const r = lens.request({ model: 'llama-3-8b', time: 6000 });
    r.firstToken(1, 6500);
    r.tokens(2, 6600);
    const second = await producer.collect();
    expect(findMetric(second, schema.generationTokens.otel).aggregationTemporality).toBe(
      AggregationTemporality.DELTA,
    );
    expect(generation(second).value).toBe(3);
    expect(generation(second).startTime).toEqual(generation(first).endTime);
    const ttft = (findMetric(second, TTFT.otel) as HistogramMetricData).dataPoints[0]!;
    expect(ttft.value).toEqual({
      buckets: { boundaries: [...TTFT.buckets], counts: bucketCounts(TTFT.buckets, [0.5]) },
      sum: 0.5,
      count: 1,
    });
    // Gauges have no delta: they report the current value.
    expect(findMetric(second, schema.requestsRunning.otel).dataPoints[0]!.value).toBe(1);
  });

  it('throws at setup, with the package name, on bad options', () => {
    const lens = recordedLens();
    expect(() => createMetricProducer(undefined as never)).toThrow(
      /^\[@inferlens\/otel\] createMetricProducer/,
    );
    expect(() => createMetricProducer({} as never)).toThrow(/\[@inferlens\/otel\]/);
    expect(() => createMetricProducer(lens, { operationName: '' })).toThrow(/operationName/);
    expect(() => createMetricProducer(lens, { temporality: 'lowmemory' as never })).toThrow(
      /^\[@inferlens\/otel\] temporality/,
    );
  });
});

describe('schema rows sharing an OTel name', () => {
  it('agree on kind and unit and differ by their constant attributes', () => {
    const byName = new Map<string, MetricDefinition[]>();
    for (const row of rows) byName.set(row.otel, [...(byName.get(row.otel) ?? []), row]);
    const shared = [...byName.values()].filter((group) => group.length > 1);
    expect(shared.length).toBeGreaterThan(0);
    for (const group of shared) {
      expect(new Set(group.map((r) => `${r.kind} ${r.unit}`)).size).toBe(1);
      const keys = group.map((r) => JSON.stringify(r.otelAttributes ?? {}));
      expect(new Set(keys).size).toBe(group.length);
    }
  });
});

function toNanos([s, ns]: [number, number]): bigint {
  return BigInt(s) * 1_000_000_000n + BigInt(ns);
}
