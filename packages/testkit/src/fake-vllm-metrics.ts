import type { HistogramSeries, Lens, ModelHandles } from '@inferlens/core/internal';
import { pyFloat } from './fake-format.js';

/**
 * The exposition of a vLLM V1 server as prometheus_client writes it (docs/engines.md,
 * "vLLM", "Exposition"): `vllm:` names, labels sorted by name, floats in Python's repr, counters as `<name>_total`
 * followed by a `<name>_created` gauge family, the same for histograms. A test double: these
 * names are vLLM's wire format, written here independently of the adapter under test.
 */
export type VllmNames = 'v1' | 'v0.9' | 'v0';

interface Row {
  name: string;
  help: string;
  read: (h: ModelHandles) => number | HistogramSeries;
  kind: 'gauge' | 'counter' | 'histogram';
}

const V1: readonly Row[] = [
  {
    name: 'vllm:num_requests_running',
    kind: 'gauge',
    help: 'Number of requests in model execution batches.',
    read: (h) => h.requestsRunning.value,
  },
  {
    name: 'vllm:num_requests_waiting',
    kind: 'gauge',
    help: 'Number of requests waiting to be processed.',
    read: (h) => h.requestsWaiting.value,
  },
  {
    name: 'vllm:kv_cache_usage_perc',
    kind: 'gauge',
    help: 'KV-cache usage. 1 means 100 percent usage.',
    read: (h) => h.kvCacheUsage.value,
  },
  {
    name: 'vllm:prefix_cache_queries',
    kind: 'counter',
    help: 'Prefix cache queries, in terms of number of queried tokens.',
    read: (h) => h.prefixCacheQueries.value,
  },
  {
    name: 'vllm:prefix_cache_hits',
    kind: 'counter',
    help: 'Prefix cache hits, in terms of number of cached tokens.',
    read: (h) => h.prefixCacheHits.value,
  },
  {
    name: 'vllm:num_preemptions',
    kind: 'counter',
    help: 'Cumulative number of preemption from the engine.',
    read: (h) => h.preemptions.value,
  },
  {
    name: 'vllm:prompt_tokens',
    kind: 'counter',
    help: 'Number of prefill tokens processed.',
    read: (h) => h.promptTokens.value,
  },
  {
    // V1 only (docs/engines.md, "vLLM"): prompt tokens served from the local or external prefix cache.
    name: 'vllm:prompt_tokens_cached',
    kind: 'counter',
    help: 'Number of cached prompt tokens (local + external).',
    read: (h) => h.promptTokensCached.value,
  },
  {
    name: 'vllm:generation_tokens',
    kind: 'counter',
    help: 'Number of generation tokens processed.',
    read: (h) => h.generationTokens.value,
  },
  {
    name: 'vllm:request_prompt_tokens',
    kind: 'histogram',
    help: 'Number of prefill tokens processed.',
    read: (h) => h.requestPromptTokens,
  },
  {
    name: 'vllm:request_generation_tokens',
    kind: 'histogram',
    help: 'Number of generation tokens processed.',
    read: (h) => h.requestGenerationTokens,
  },
  {
    name: 'vllm:iteration_tokens_total',
    kind: 'histogram',
    help: 'Histogram of number of tokens per engine_step.',
    read: (h) => h.iterationTokens,
  },
  {
    name: 'vllm:time_to_first_token_seconds',
    kind: 'histogram',
    help: 'Histogram of time to first token in seconds.',
    read: (h) => h.timeToFirstToken,
  },
  {
    name: 'vllm:inter_token_latency_seconds',
    kind: 'histogram',
    help: 'Histogram of inter-token latency in seconds.',
    read: (h) => h.interTokenLatency,
  },
  {
    name: 'vllm:request_time_per_output_token_seconds',
    kind: 'histogram',
    help: 'Histogram of time_per_output_token_seconds per request.',
    read: (h) => h.timePerOutputToken,
  },
  {
    name: 'vllm:e2e_request_latency_seconds',
    kind: 'histogram',
    help: 'Histogram of e2e request latency in seconds.',
    read: (h) => h.e2eRequestLatency,
  },
  {
    name: 'vllm:request_queue_time_seconds',
    kind: 'histogram',
    help: 'Histogram of time spent in WAITING phase for request.',
    read: (h) => h.requestQueueTime,
  },
  {
    name: 'vllm:request_inference_time_seconds',
    kind: 'histogram',
    help: 'Histogram of time spent in RUNNING phase for request.',
    read: (h) => h.requestInferenceTime,
  },
  {
    name: 'vllm:request_prefill_time_seconds',
    kind: 'histogram',
    help: 'Histogram of time spent in PREFILL phase for request.',
    read: (h) => h.requestPrefillTime,
  },
  {
    name: 'vllm:request_decode_time_seconds',
    kind: 'histogram',
    help: 'Histogram of time spent in DECODE phase for request.',
    read: (h) => h.requestDecodeTime,
  },
];

/** The deprecated spellings (docs/engines.md, "Renames and removals"), reporting the same values as their successors. */
const RENAMED: Readonly<Record<string, string>> = {
  'vllm:kv_cache_usage_perc': 'vllm:gpu_cache_usage_perc',
  'vllm:prefix_cache_queries': 'vllm:gpu_prefix_cache_queries',
  'vllm:prefix_cache_hits': 'vllm:gpu_prefix_cache_hits',
  'vllm:inter_token_latency_seconds': 'vllm:time_per_output_token_seconds',
};

/** Series the V0 engine never had. */
const V1_ONLY: ReadonlySet<string> = new Set(['vllm:prompt_tokens_cached']);

/** `v1`: current names; `v0.9`: current and deprecated names side by side; `v0`: deprecated only. */
function rowsFor(names: VllmNames): Row[] {
  if (names === 'v1') return [...V1];
  const old = V1.filter((r) => RENAMED[r.name]).map((r) => ({
    ...r,
    name: RENAMED[r.name]!,
    help: `DEPRECATED: Use ${r.name} instead.`,
  }));
  if (names === 'v0.9') return [...V1, ...old];
  return V1.filter((r) => !V1_ONLY.has(r.name)).map((r) =>
    RENAMED[r.name] ? { ...r, name: RENAMED[r.name]! } : r,
  );
}

const FINISHED_REASONS = ['stop', 'length', 'abort', 'error'];

export function labels(pairs: Record<string, string>): string {
  return Object.keys(pairs)
    .sort()
    .map(
      (k) =>
        `${k}="${pairs[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
    .join(',');
}

export interface VllmRank {
  lens: Lens;
  /** The `engine` label (data-parallel rank); undefined for vLLM before the label existed. */
  rank: string | undefined;
}

/** Renders the ranks' lenses as one vLLM `/metrics` body. */
export function renderVllmMetrics(
  model: string,
  ranks: readonly VllmRank[],
  names: VllmNames,
  created: number | undefined,
): string {
  let out = '';
  const base = (r: VllmRank): Record<string, string> =>
    r.rank === undefined ? { model_name: model } : { model_name: model, engine: r.rank };
  const family = (name: string, kind: string, help: string, body: string): void => {
    out += `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n${body}`;
  };
  const createdFamily = (name: string, help: string, sets: Record<string, string>[]): void => {
    if (created === undefined) return;
    family(
      `${name}_created`,
      'gauge',
      help,
      sets.map((l) => `${name}_created{${labels(l)}} ${pyFloat(created)}\n`).join(''),
    );
  };
  for (const row of rowsFor(names)) {
    if (row.kind === 'gauge') {
      family(
        row.name,
        'gauge',
        row.help,
        ranks
          .map(
            (r) =>
              `${row.name}{${labels(base(r))}} ${pyFloat(row.read(r.lens.handles(model)) as number)}\n`,
          )
          .join(''),
      );
    } else if (row.kind === 'counter') {
      family(
        `${row.name}_total`,
        'counter',
        row.help,
        ranks
          .map(
            (r) =>
              `${row.name}_total{${labels(base(r))}} ${pyFloat(row.read(r.lens.handles(model)) as number)}\n`,
          )
          .join(''),
      );
      createdFamily(row.name, row.help, ranks.map(base));
    } else {
      let body = '';
      for (const r of ranks) {
        const h = row.read(r.lens.handles(model)) as HistogramSeries;
        let cum = 0;
        for (let i = 0; i < h.counts.length; i++) {
          cum += h.counts[i]!;
          const le = i < h.bounds.length ? pyFloat(h.bounds[i]!) : '+Inf';
          body += `${row.name}_bucket{${labels({ ...base(r), le })}} ${pyFloat(cum)}\n`;
        }
        body += `${row.name}_count{${labels(base(r))}} ${pyFloat(h.count)}\n${row.name}_sum{${labels(base(r))}} ${pyFloat(h.sum)}\n`;
      }
      family(row.name, 'histogram', row.help, body);
      createdFamily(row.name, row.help, ranks.map(base));
    }
  }
  const success = 'vllm:request_success';
  const sets = ranks.flatMap((r) =>
    FINISHED_REASONS.map((reason) => ({ ...base(r), finished_reason: reason, _r: r })),
  );
  family(
    `${success}_total`,
    'counter',
    'Count of successfully processed requests.',
    sets
      .map(
        ({ _r, ...l }) =>
          `${success}_total{${labels(l)}} ${pyFloat(_r.lens.handles(model).finished(l.finished_reason).value)}\n`,
      )
      .join(''),
  );
  createdFamily(
    success,
    'Count of successfully processed requests.',
    sets.map(({ _r, ...l }) => l),
  );
  return out;
}
