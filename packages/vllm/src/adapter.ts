import type {
  EngineAdapter,
  SampleIndex,
  SeriesKey,
  SnapshotBuilder,
  TargetContext,
} from '@inferlens/engine-source';
import type { Labels } from '@inferlens/prom-parse';
import { VLLM_COUNTERS, VLLM_GAUGES, VLLM_HISTOGRAMS, VLLM_REQUEST_SUCCESS } from './names.js';

/** The first name of `names` the scrape has: the current spelling wins over a deprecated one. */
function pick(samples: SampleIndex, names: readonly string[], suffix = ''): string | undefined {
  return names.find((n) => samples.has(n + suffix));
}

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
  for (const [id, names] of VLLM_GAUGES) {
    const name = pick(samples, names);
    if (!name) continue;
    const merge = id === 'kvCacheUsage' ? 'max' : 'sum';
    for (const s of samples.get(name)) out.gauge(id, keyOf(s.labels, target), s.value, merge);
  }
  for (const [id, names] of VLLM_COUNTERS) {
    const name = pick(samples, names);
    if (!name) continue;
    for (const s of samples.get(name)) out.counter(id, keyOf(s.labels, target), s.value);
  }
  for (const s of samples.get(VLLM_REQUEST_SUCCESS)) {
    const reason = s.labels.finished_reason || 'unknown';
    out.counter('requests', keyOf(s.labels, target, { finish_reason: reason }), s.value);
    // Core counts a failed request under both rows; vLLM gives no error type.
    if (reason === 'error')
      out.counter('requestErrors', keyOf(s.labels, target, { error_type: 'error' }), s.value);
  }
  for (const [id, names] of VLLM_HISTOGRAMS) {
    const name = pick(samples, names, '_bucket');
    if (!name) continue;
    for (const h of samples.histograms(name))
      out.histogram(id, keyOf(h.labels, target), h.histogram);
  }
}

/** The vLLM adapter for `createEngineSource`. */
export const vllmAdapter: EngineAdapter = {
  engine: 'vllm',
  packageName: '@inferlens/vllm',
  normalize: normalizeVllm,
};
