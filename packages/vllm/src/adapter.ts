import {
  type EngineAdapter,
  mapByName,
  type SampleIndex,
  type SeriesKey,
  type SnapshotBuilder,
  type TargetContext,
} from '@inferlens/engine-source/internal';
import type { Labels } from '@inferlens/prom-parse';
import { VLLM_COUNTERS, VLLM_GAUGES, VLLM_HISTOGRAMS, VLLM_REQUEST_SUCCESS } from './names.js';

function keyOf(
  labels: Labels,
  target: TargetContext,
  rowLabels?: Record<string, string>,
): SeriesKey {
  return {
    // vLLM labels every engine series with model_name (served_model_name).
    model: target.model ?? labels.model_name ?? 'unknown',
    // vLLM's `engine` label is the data-parallel rank ("0", "1", …), not an engine name.
    dpRank: labels.engine,
    labels: rowLabels,
  };
}

/**
 * Reads a vLLM scrape (V0 or V1 names, with or without `engine` and `_created` series) into the
 * standard rows. Labels the standard set does not carry (`priority`, …) are summed away.
 */
export function normalizeVllm(
  samples: SampleIndex,
  target: TargetContext,
  out: SnapshotBuilder,
): void {
  mapByName(
    samples,
    {
      gauges: VLLM_GAUGES,
      counters: VLLM_COUNTERS,
      // KV usage of data-parallel ranks that land on one series: the fullest rank, not a sum.
      gaugeMerge: (id) => (id === 'kvCacheUsage' ? 'max' : 'sum'),
    },
    (labels) => keyOf(labels, target),
    out,
  );
  for (const s of samples.get(VLLM_REQUEST_SUCCESS)) {
    const reason = s.labels.finished_reason || 'unknown';
    out.counter('requests', keyOf(s.labels, target, { finish_reason: reason }), s.value);
    // Core counts a failed request under both rows; vLLM gives no error type.
    if (reason === 'error')
      out.counter('requestErrors', keyOf(s.labels, target, { error_type: 'error' }), s.value);
  }
  mapByName(samples, { histograms: VLLM_HISTOGRAMS }, (labels) => keyOf(labels, target), out);
}

/**
 * The vLLM adapter, for `createAutoSource` (a mixed fleet) or `createEngineSource`.
 *
 * @example
 * const fleet = await createAutoSource([vllmAdapter], { lens, targets: ['http://10.0.0.5:8000'] });
 */
export const vllmAdapter: EngineAdapter = {
  engine: 'vllm',
  metricPrefixes: ['vllm:'],
  packageName: '@inferlens/vllm',
  normalize: normalizeVllm,
};
