import { schema } from '@inferlens/core/internal';
import type {
  CollectionResult,
  DataPoint,
  Histogram,
  HistogramMetricData,
  SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createMetricProducer } from '../src/index.js';
import {
  attachEngine,
  ENGINE_ATTRIBUTES,
  engineState,
  findMetric,
  llmAttributes,
  recordedLens,
  served,
  TTFT,
} from './helpers.js';

type Point<T> = DataPoint<T>;

function enginePoint<T>(result: CollectionResult, name: string): Point<T> | undefined {
  const metric = findMetric(result, name) as HistogramMetricData | SumMetricData;
  const found = (metric.dataPoints as Point<unknown>[]).filter(
    (p) => p.attributes.target === '10.0.0.5:8000',
  );
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0] as Point<T> | undefined;
}

const invalidCount = (lens: ReturnType<typeof recordedLens>) =>
  lens.store.family('eventsDropped').series(['invalid_value']).value;

/** The recorded lens with a fake engine mirrored into it, and a producer over it. */
function setup(options: Parameters<typeof createMetricProducer>[1] = {}) {
  const lens = recordedLens();
  const state = engineState();
  attachEngine(lens, state);
  return { lens, state, producer: createMetricProducer(lens, options) };
}

describe('mirrored series (engine sources) in the producer', () => {
  it('are data points of the same metric, histograms with the engine’s own bounds and no made-up sum', async () => {
    const result = await setup().producer.collect();
    expect(result.errors).toEqual([]);
    const ttft = findMetric(result, TTFT.otel) as HistogramMetricData;
    expect(ttft.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    expect(ttft.dataPoints.map((p) => p.attributes)).toEqual([
      served(llmAttributes('llama-3-8b')),
      served(llmAttributes('mistral-7b')),
      served(ENGINE_ATTRIBUTES),
    ]);
    const own = ttft.dataPoints[0]!;
    expect(own.value.buckets.boundaries).toEqual([...TTFT.buckets]);
    const engine = ttft.dataPoints[2]!;
    // Cumulative [1, 3, 3, 5] becomes per-bucket counts; the count is the +Inf bucket.
    expect(engine.value).toEqual({
      buckets: {
        boundaries: [0.0001, 0.00015000000000000001, 0.00022500000000000002],
        counts: [1, 2, 0, 2],
      },
      count: 5,
    });
    expect('sum' in engine.value).toBe(false);
    // First sighting: an unknown-start reset point (start time equal to its time).
    expect(engine.startTime).toEqual(engine.endTime);
    expect(JSON.stringify(ttft)).not.toContain('misshapen');

    const running = enginePoint<number>(result, schema.requestsRunning.otel)!;
    expect(running.attributes).toEqual(ENGINE_ATTRIBUTES);
    expect(running.value).toBe(3);
    expect(enginePoint<number>(result, schema.generationTokens.otel)!.value).toBe(100);
  });

  it('keeps a start time per series across collections, and starts over when the engine restarts', async () => {
    const { state, producer } = setup();
    const tokens = schema.generationTokens.otel;
    const first = enginePoint<number>(await producer.collect(), tokens)!;
    state.generated = 130;
    state.ttft = { ...state.ttft, cumulative: [2, 4, 5, 8], count: 8 };
    const second = await producer.collect();
    const grown = enginePoint<number>(second, tokens)!;
    expect(grown.value).toBe(130);
    expect(grown.startTime).toEqual(first.startTime);
    const h = enginePoint<Histogram>(second, TTFT.otel)!;
    expect(h.startTime).toEqual(first.startTime);
    expect(h.value.buckets.counts).toEqual([2, 2, 1, 3]);
    // The engine restarted: its counters went back, so points start at the previous collection.
    state.generated = 7;
    const restarted = enginePoint<number>(await producer.collect(), tokens)!;
    expect(restarted.value).toBe(7);
    expect(restarted.startTime).toEqual(grown.endTime);
  });

  it('forgets a series no collection sees any more; it comes back as a new one', async () => {
    const { state, producer } = setup();
    const tokens = schema.generationTokens.otel;
    await producer.collect();
    state.present = false;
    expect(enginePoint(await producer.collect(), tokens)).toBeUndefined();
    state.present = true;
    const back = enginePoint<number>(await producer.collect(), tokens)!;
    expect(back.startTime).toEqual(back.endTime);
  });

  it('in delta temporality, exports nothing for a first sighting, then differences', async () => {
    const { state, producer } = setup({ temporality: 'delta' });
    const tokens = schema.generationTokens.otel;
    const first = await producer.collect();
    expect(enginePoint(first, tokens)).toBeUndefined();
    expect(enginePoint(first, TTFT.otel)).toBeUndefined();
    // Gauges have no delta: the engine's current value, from the first collection on.
    expect(enginePoint<number>(first, schema.requestsRunning.otel)?.value).toBe(3);
    state.generated = 130;
    state.ttft = { ...state.ttft, cumulative: [2, 4, 5, 8], sum: undefined, count: 8 };
    const second = await producer.collect();
    const delta = enginePoint<number>(second, tokens)!;
    expect(delta.value).toBe(30);
    const h = enginePoint<Histogram>(second, TTFT.otel)!;
    expect(h.value).toEqual({
      buckets: { boundaries: state.ttft.bounds, counts: [1, 0, 1, 1] },
      count: 3,
    });
    expect(h.startTime).toEqual(enginePoint<number>(first, schema.requestsRunning.otel)!.endTime);
  });

  it('skips values OTel cannot carry, counting each bad series once', async () => {
    const { lens, state, producer } = setup();
    const before = invalidCount(lens);
    state.running = Number.NaN;
    state.ttft = { ...state.ttft, cumulative: [3, 1, 4, 5] }; // goes down: not a histogram
    for (let i = 0; i < 2; i++) {
      const result = await producer.collect();
      expect(result.errors).toEqual([]);
      expect(enginePoint(result, schema.requestsRunning.otel)).toBeUndefined();
      expect(enginePoint(result, TTFT.otel)).toBeUndefined();
    }
    expect(invalidCount(lens) - before).toBe(2);
    state.running = 4;
    expect(enginePoint<number>(await producer.collect(), schema.requestsRunning.otel)?.value).toBe(
      4,
    );
  });
});
