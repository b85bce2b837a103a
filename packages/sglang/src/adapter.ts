import {
  type EngineAdapter,
  mapByName,
  type SampleIndex,
  type SeriesKey,
  type SnapshotBuilder,
  type TargetContext,
} from '@inferlens/engine-source/internal';
import type { Labels } from '@inferlens/prom-parse';
import {
  SGLANG_CACHE_HIT_RATE,
  SGLANG_CACHED_TOKENS,
  SGLANG_COUNTERS,
  SGLANG_GAUGES,
  SGLANG_HISTOGRAMS,
  SGLANG_REQUESTS,
  SGLANG_V03_MARKERS,
} from './names.js';

function keyOf(
  labels: Labels,
  target: TargetContext,
  rowLabels?: Record<string, string>,
): SeriesKey {
  return {
    // `model_name` (served_model_name); the first layout called the same label `name`.
    model: target.model ?? labels.model_name ?? labels.name ?? 'unknown',
    // Data-parallel attention ranks are separate series; tp/pp/ep ranks report the same values.
    dpRank: labels.dp_rank,
    labels: rowLabels,
  };
}

/**
 * Reads an SGLang scrape (the v0.3, v0.4 and current layouts) into the standard rows. Gauges that
 * several tensor/pipeline ranks report alike are merged by max; `engine_type`, `tp_rank`,
 * `pp_rank` and `moe_ep_rank` are dropped; `dp_rank` is kept.
 */
export function normalizeSglang(
  samples: SampleIndex,
  target: TargetContext,
  out: SnapshotBuilder,
): void {
  const key = (labels: Labels) => keyOf(labels, target);
  mapByName(
    samples,
    {
      gauges: SGLANG_GAUGES,
      counters: SGLANG_COUNTERS,
      histograms: SGLANG_HISTOGRAMS,
      gaugeMerge: () => 'max',
    },
    key,
    out,
  );
  const requests = samples.get(SGLANG_REQUESTS);
  for (const s of requests)
    out.counter('requests', keyOf(s.labels, target, { finish_reason: 'unknown' }), s.value);
  // The layout with num_requests_total counts cached tokens too, creating the series on the first
  // hit: until then the hits are 0, not unknown. Queries are every prompt token looked up.
  if (requests.length > 0 || samples.has(SGLANG_CACHED_TOKENS)) {
    const cached = new Map<string, { labels: Labels; value: number }>();
    for (const s of samples.get(SGLANG_CACHED_TOKENS)) {
      const k = keyOf(s.labels, target);
      const id = `${k.model}\u0001${k.dpRank ?? ''}`;
      const old = cached.get(id);
      cached.set(id, { labels: s.labels, value: (old?.value ?? 0) + s.value });
    }
    for (const s of samples.get('sglang:prompt_tokens_total')) {
      const k = keyOf(s.labels, target);
      const hit = cached.get(`${k.model}\u0001${k.dpRank ?? ''}`)?.value ?? 0;
      out.counter('prefixCacheQueries', k, s.value);
      out.counter('prefixCacheHits', k, hit);
      out.counter('promptTokensCached', k, hit);
    }
  }
  const percent = SGLANG_V03_MARKERS.some((n) => samples.has(n));
  for (const s of samples.get(SGLANG_CACHE_HIT_RATE))
    out.gauge(
      'sglangCacheHitRate',
      keyOf(s.labels, target),
      percent ? s.value / 100 : s.value,
      'max',
    );
}

/**
 * The SGLang adapter, for `createAutoSource` (a mixed fleet) or `createEngineSource`.
 *
 * @example
 * const fleet = await createAutoSource([sglangAdapter], { lens, targets: ['http://10.0.0.5:8000'] });
 */
export const sglangAdapter: EngineAdapter = {
  engine: 'sglang',
  metricPrefixes: ['sglang:'],
  // SGLang's own /get_model_info: the model path and whether it generates.
  probe: {
    path: '/get_model_info',
    test: (json) =>
      typeof (json as { is_generation?: unknown } | null)?.is_generation === 'boolean',
    model: (json) => {
      const path = (json as { model_path?: unknown }).model_path;
      return typeof path === 'string' ? path : undefined;
    },
  },
  packageName: '@inferlens/sglang',
  normalize: normalizeSglang,
};
