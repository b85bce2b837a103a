import { createLens, type Lens } from '@inferlens/core';
import { type OpenMetricsContentType, Registry } from 'prom-client';

/**
 * A lens with every kind of series recorded through the public API on a fake clock: finished,
 * failed and aborted requests on two models, a gauge, constant labels, and an overflow series
 * (`llm_requests_total` keeps two label sets; the third folds).
 */
export function recordedLens(worker = 'w1'): Lens {
  const lens = createLens({
    engine: 'bench-engine',
    constLabels: { worker_id: worker },
    seriesLimit: { requests: 2 },
    clock: () => 0,
  });
  const r = lens.request({ model: 'llama-3-8b', time: 0 });
  r.queued(0);
  r.started(40);
  r.firstToken(1, 130);
  for (let i = 1; i <= 20; i++) r.tokens(1, 130 + 25 * i);
  r.finish({ finishReason: 'stop', promptTokens: 812, cachedTokens: 256 }, 700);
  const failed = lens.request({ model: 'mistral "7b"\\v2', time: 10 });
  failed.queued(10);
  failed.fail('oom', 20);
  const aborted = lens.request({ model: 'llama-3-8b', time: 5 });
  aborted.started(6);
  aborted.abort(9);
  lens.handles('llama-3-8b').kvCacheUsage.set(0.42);
  lens.request({ model: 'llama-3-8b', time: 1 }).queued(1);
  lens.close();
  return lens;
}

/** An OpenMetrics registry (prom-client's typings lack the constructor argument that does this). */
export function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}

/**
 * Attaches a mirror as an engine source would: a vLLM gauge, a TTFT histogram with vLLM-style
 * float-noise bounds and no `_sum`, and two series that fit no family (a number on a histogram,
 * counts that do not match the bounds), which every way out leaves out.
 */
export function mirrorEngine(lens: Lens): () => void {
  const vllm = [
    ['model_name', 'qwen'],
    ['engine', 'vllm'],
    ['finish_reason', ''],
    ['target', '10.0.0.5:8000'],
  ] as const;
  return lens.store.addMirror({
    mirrored(id) {
      if (id === 'requestsRunning') return [{ labels: vllm, value: 3 }];
      if (id !== 'timeToFirstToken') return undefined;
      return [
        {
          labels: [...vllm, ['dp_rank', '1']],
          value: {
            bounds: [0.00015000000000000001, 2],
            cumulative: [1, 3, 4],
            sum: undefined,
            count: 4,
          },
        },
        { labels: [['model_name', 'misshapen']], value: 7 },
        {
          labels: [['model_name', 'misshapen']],
          value: { bounds: [1], cumulative: [1], sum: 1, count: 1 },
        },
      ];
    },
  });
}
