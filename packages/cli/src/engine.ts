import { schema } from '@inferlens/core/internal';
import type { MetricFamily } from '@inferlens/prom-parse';
import { type EngineKind, presentName, STANDARD } from './standard.js';

export interface EngineVerdict {
  /** The engine, or `unknown` when no name tells. */
  engine: EngineKind | 'unknown';
  /** `inferlens app`, `inferlens gateway over vllm, tgi`, `vLLM V1 (0.11 or later)`, … */
  description: string;
  /** Each fact the verdict rests on, as the operator can check it in the scrape. */
  evidence: string[];
}

/** Names only vLLM's V0 engine exported (reference: vLLM docs/design/metrics.md, "Deprecated Metrics"). */
const VLLM_V0_ONLY = [
  'vllm:num_requests_swapped',
  'vllm:cpu_cache_usage_perc',
  'vllm:gpu_prefix_cache_hit_rate',
  'vllm:time_in_queue_requests',
  'vllm:avg_generation_throughput_toks_per_s',
];

const PREFIXES: readonly [EngineKind, string][] = [
  ['vllm', 'vllm:'],
  ['tgi', 'tgi_'],
  ['sglang', 'sglang:'],
  ['llamacpp', 'llamacpp:'],
  ['inferlens', 'llm_'],
];

/** Distinct values of `label` over a family's samples. */
function valuesOf(families: readonly MetricFamily[], label: string, prefix: string): string[] {
  const out = new Set<string>();
  for (const f of families)
    if (f.name.startsWith(prefix))
      for (const s of f.samples) if (s.labels[label] !== undefined) out.add(s.labels[label]);
  return [...out].sort();
}

/**
 * Tells the engine and, where the names tell, its version era, from sample names alone: the
 * prefix most samples carry, then renamed names (a current spelling or an older one), labels that
 * came with a version, and names that only one era had.
 */
export function identify(families: readonly MetricFamily[]): EngineVerdict {
  const names = new Set(families.flatMap((f) => f.samples.map((s) => s.name)));
  const counts = PREFIXES.map(([engine, p]) => ({
    engine,
    p,
    n: [...names].filter((n) => n.startsWith(p)).length,
  })).sort((a, b) => b.n - a.n);
  const best = counts[0]!;
  if (best.n === 0)
    return {
      engine: 'unknown',
      description: 'no LLM engine metrics',
      evidence: [
        `none of ${names.size} sample names starts with ${PREFIXES.map((p) => p[1]).join(', ')}`,
      ],
    };
  const evidence = [`${best.n} sample names start with ${best.p}`];
  // Older spellings the adapters still read: each one dates the exporter.
  for (const row of STANDARD[best.engine]) {
    const name = presentName(row, names);
    if (name !== undefined && name !== row.names[0])
      evidence.push(`${name} instead of ${row.names[0]} (an older spelling)`);
  }
  const description = describe(best.engine, families, names, evidence);
  return { engine: best.engine, description, evidence };
}

function describe(
  engine: EngineKind,
  families: readonly MetricFamily[],
  names: ReadonlySet<string>,
  evidence: string[],
): string {
  const has = (n: string) => names.has(n) || names.has(`${n}_bucket`) || names.has(`${n}_total`);
  switch (engine) {
    case 'vllm': {
      const v0 = VLLM_V0_ONLY.filter(has);
      if (v0.length) {
        evidence.push(`V0-only names: ${v0.join(', ')}`);
        return 'vLLM, V0 engine (before 0.8, or VLLM_USE_V1=0)';
      }
      const ranks = valuesOf(families, 'engine', 'vllm:');
      evidence.push(
        ranks.length
          ? `engine label (data-parallel rank): ${ranks.join(', ')}`
          : 'no engine label: vLLM before 0.10 (or a relabelling exporter)',
      );
      const era = vllmEra(has, evidence);
      return `vLLM V1${era ? ` (${era})` : ''}${ranks.length > 1 ? `, ${ranks.length} data-parallel ranks` : ''}`;
    }
    case 'tgi': {
      const total = names.has('tgi_request_success_total') || names.has('tgi_request_count_total');
      evidence.push(
        total
          ? 'counters end in _total: re-exported through an intermediary, not TGI itself'
          : 'counters without _total: TGI’s own exporter (metrics-exporter-prometheus)',
      );
      const chunking = families.some(
        (f) =>
          f.name.startsWith('tgi_batch_concat') &&
          f.samples.some((s) => s.labels.reason === 'chunking'),
      );
      const skipped = families.find((f) => f.name === 'tgi_request_skipped_tokens');
      if (chunking) evidence.push('tgi_batch_concat{reason="chunking"}: v2.4 or later');
      // TGI has no TTFT histogram (docs/engines.md, "TGI"); the mixin approximates it.
      evidence.push(
        `no TTFT histogram (TGI exports none): dashboards show the queue + prefill proxy ${schema.tgiTimeToFirstTokenProxy.prometheus}`,
      );
      if (skipped?.type === 'summary')
        evidence.push('tgi_request_skipped_tokens is a summary: v2.3 or later');
      return `TGI${chunking ? ' (v2.4 or later)' : skipped?.type === 'summary' ? ' (v2.3 or later)' : ''}`;
    }
    case 'sglang':
      return evidence.length > 1 ? 'SGLang (v0.3 layout: cache_hit_rate in percent)' : 'SGLang';
    case 'llamacpp':
      if (has('llamacpp:kv_cache_usage_ratio')) {
        evidence.push('llamacpp:kv_cache_usage_ratio: a build from before mid-2025');
        return 'llama.cpp server (before mid-2025)';
      }
      return 'llama.cpp server';
    case 'inferlens': {
      const upstream = valuesOf(families, 'engine', schema.sourceUp.prometheus);
      if (upstream.length) {
        for (const f of families)
          if (f.name === schema.sourceUp.prometheus)
            for (const s of f.samples.slice(0, 10))
              evidence.push(
                `upstream ${s.labels.target ?? '?'}: ${s.labels.engine ?? '?'}, ${s.value === 1 ? 'up' : 'DOWN'} (${schema.sourceUp.prometheus})`,
              );
        return `inferlens gateway over ${upstream.join(', ')}`;
      }
      const engines = valuesOf(families, 'engine', 'llm_');
      if (engines.length) evidence.push(`engine label: ${engines.join(', ')}`);
      if (has('http_requests')) evidence.push('http_* series: @inferlens/http middleware');
      return `inferlens app${engines.length ? ` (engine ${engines.join(', ')})` : ''}`;
    }
  }
}

/**
 * vLLM V1's version era from its renames (reference: vLLM docs/usage/metrics.md deprecations):
 * `gpu_cache_usage_perc` became `kv_cache_usage_perc` in 0.9.2, `time_per_output_token_seconds`
 * became `inter_token_latency_seconds` in 0.11; undefined when neither name is there.
 */
function vllmEra(has: (name: string) => boolean, evidence: string[]): string | undefined {
  const itl = has('vllm:inter_token_latency_seconds');
  const oldItl = has('vllm:time_per_output_token_seconds');
  const kv = has('vllm:kv_cache_usage_perc');
  const oldKv = has('vllm:gpu_cache_usage_perc');
  if (itl && oldItl)
    evidence.push('both ITL names: 0.11 or 0.12 with --show-hidden-metrics-for-version');
  if (itl) return '0.11 or later';
  if (kv) return oldItl ? '0.9.2 to 0.10' : '0.9.2 or later';
  if (oldKv) return 'before 0.9.2';
  return oldItl ? 'before 0.11' : undefined;
}
