import { createLens, schema } from '@inferlens/core/internal';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createMetricProducer } from '../src/index.js';
import { findMetric, metricsOf, recordedLens, TTFT } from './helpers.js';

function dropped(
  result: Awaited<ReturnType<ReturnType<typeof createMetricProducer>['collect']>>,
  reason: string,
) {
  const metric = findMetric(result, schema.eventsDropped.otel) as SumMetricData;
  return metric.dataPoints.find((p) => p.attributes.reason === reason)?.value;
}

describe('collect never throws', () => {
  it('survives collect hooks that throw or reject, and still runs the good ones', async () => {
    const lens = recordedLens();
    lens.onCollect(() => {
      throw new Error('hook exploded');
    });
    lens.onCollect(() => Promise.reject(new Error('async hook rejected')));
    lens.onCollect(() => {
      lens.series('kvCacheUsage', { model_name: 'llama-3-8b' }).set(0.42);
    });
    const result = await createMetricProducer(lens).collect();
    expect(findMetric(result, schema.kvCacheUsage.otel).dataPoints[0]!.value).toBe(0.42);
    expect(findMetric(result, TTFT.otel).dataPoints.length).toBe(2);
    expect(dropped(result, 'listener_error')).toBe(2);
  });

  it('exports what it has when a hook never settles within timeoutMillis', async () => {
    const lens = recordedLens();
    lens.onCollect(() => new Promise<void>(() => undefined));
    const result = await createMetricProducer(lens).collect({ timeoutMillis: 20 });
    expect(result.errors).toHaveLength(1);
    expect(String(result.errors[0])).toMatch(
      /\[@inferlens\/otel\] collect hooks did not finish within 20 ms/,
    );
    expect(findMetric(result, TTFT.otel).dataPoints.length).toBe(2);
  });

  it('bounds hooks by hookTimeoutMs when the reader gives no timeout', async () => {
    const lens = recordedLens();
    lens.onCollect(() => new Promise<void>(() => undefined));
    const result = await createMetricProducer(lens, { hookTimeoutMs: 20 }).collect();
    expect(result.errors.map(String)).toEqual([
      'Error: [@inferlens/otel] collect hooks did not finish within 20 ms; exported the values recorded so far',
    ]);
    expect(findMetric(result, TTFT.otel).dataPoints.length).toBe(2);
    expect(() => createMetricProducer(lens, { hookTimeoutMs: 0 })).toThrow(
      /^\[@inferlens\/otel\] hookTimeoutMs/,
    );
  });

  it('skips and counts values that are not finite instead of exporting or throwing', async () => {
    const lens = recordedLens();
    // Recording refuses non-finite values; a store written to directly can still hold one.
    lens.handles('bad-model').generationTokens.value = Number.POSITIVE_INFINITY;
    lens.series('kvCacheUsage', { model_name: 'llama-3-8b' }).value = Number.NaN;
    lens.store.family('timeToFirstToken').series(['llama-3-8b', 'vllm']).sum = Number.NaN;
    const producer = createMetricProducer(lens);
    const result = await producer.collect();
    expect(result.errors).toEqual([]);
    const generation = findMetric(result, schema.generationTokens.otel) as SumMetricData;
    expect(generation.dataPoints.map((p) => p.attributes['gen_ai.request.model'])).toEqual([
      'llama-3-8b',
      'mistral-7b',
    ]);
    // The gauge's only series was bad, so the metric is left out rather than exported empty.
    expect(metricsOf(result).map((m) => m.descriptor.name)).not.toContain(schema.kvCacheUsage.otel);
    expect(
      findMetric(result, TTFT.otel).dataPoints.map((p) => p.attributes['gen_ai.request.model']),
    ).toEqual(['mistral-7b', 'bad-model']);
    // Three series skipped, counted where every bad value is counted: once each, not per export.
    expect(dropped(result, 'invalid_value')).toBe(3);
    const again = await producer.collect();
    expect(dropped(again, 'invalid_value')).toBe(3);
    expect(again.errors).toEqual([]);
  });

  it('turns an exception while converting into CollectionResult.errors', async () => {
    const lens = recordedLens();
    const family = lens.store.family('requests');
    const all = family.all.bind(family);
    family.all = function* () {
      yield* all();
      throw new Error('store broke mid-iteration');
    };
    const result = await createMetricProducer(lens).collect();
    expect(result.errors.map(String)).toEqual(['Error: store broke mid-iteration']);
    expect(findMetric(result, TTFT.otel).dataPoints.length).toBe(2);
  });

  it('works behind a real PeriodicExportingMetricReader and an in-memory exporter', async () => {
    const lens = createLens({ engine: 'vllm' });
    lens.onCollect(() => {
      throw new Error('hook exploded');
    });
    lens.request({ model: 'm', time: 0 }).firstToken(1, 80);
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: 60_000,
      metricProducers: [createMetricProducer(lens)],
    });
    const provider = new MeterProvider({ readers: [reader] });
    await provider.forceFlush();
    const exported = exporter
      .getMetrics()
      .flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics));
    const ttft = exported.find((m) => m.descriptor.name === TTFT.otel);
    expect(ttft?.dataPoints.length).toBe(1);
    await provider.shutdown();
  });
});
