import type {
  EngineAdapter,
  SampleIndex,
  SnapshotBuilder,
  TargetContext,
} from '@inferlens/engine-source/internal';
import { modelFromProps, modelOf, refreshModel } from './model.js';
import {
  LLAMACPP_GAUGES,
  LLAMACPP_GENERATED,
  LLAMACPP_PROMPT,
  LLAMACPP_PROMPT_CACHED,
} from './names.js';

/** The one unlabelled sample of `name`, if the scrape has it. */
const one = (samples: SampleIndex, name: string): number | undefined => samples.get(name)[0]?.value;

/**
 * Reads a llama.cpp server scrape (2024, mid-2025 and current layouts) into the standard rows.
 * Its averages (`prompt_tokens_seconds`, `predicted_tokens_seconds`, `n_busy_slots_per_decode`)
 * have no standard row; the `-nan` older builds print for them when idle is skipped by the
 * parser and counted as `bad_value`, never read as a number.
 */
export function normalizeLlamacpp(
  samples: SampleIndex,
  target: TargetContext,
  out: SnapshotBuilder,
): void {
  const key = { model: modelOf(target) };
  for (const [id, name] of LLAMACPP_GAUGES) {
    const v = one(samples, name);
    if (v !== undefined) out.gauge(id, key, v);
  }
  const generated = one(samples, LLAMACPP_GENERATED);
  if (generated !== undefined) out.counter('generationTokens', key, generated);
  const evaluated = one(samples, LLAMACPP_PROMPT);
  const cached = one(samples, LLAMACPP_PROMPT_CACHED);
  if (evaluated === undefined) return;
  // The standard row counts every prompt token, cached or not (as vLLM does). Before builds
  // counted cached tokens, only the evaluated ones are known.
  out.counter('promptTokens', key, evaluated + (cached ?? 0));
  if (cached === undefined) return;
  out.counter('promptTokensCached', key, cached);
  out.counter('prefixCacheHits', key, cached);
  out.counter('prefixCacheQueries', key, evaluated + cached);
}

/**
 * The llama.cpp server adapter, for `createAutoSource` (a mixed fleet) or `createEngineSource`.
 *
 * @example
 * const fleet = await createAutoSource([llamacppAdapter], { lens, targets: ['http://10.0.0.5:8000'] });
 */
export const llamacppAdapter: EngineAdapter = {
  engine: 'llamacpp',
  metricPrefixes: ['llamacpp:'],
  // llama-server's /props carries its slots' default generation settings.
  probe: {
    path: '/props',
    test: (json) =>
      typeof (json as { default_generation_settings?: unknown } | null)
        ?.default_generation_settings === 'object',
    model: modelFromProps,
  },
  packageName: '@inferlens/llamacpp',
  prepare: refreshModel,
  normalize: normalizeLlamacpp,
};
