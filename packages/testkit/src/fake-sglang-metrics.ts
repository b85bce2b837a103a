import type { HistogramSeries, ModelHandles } from '@inferlens/core/internal';
import { pyFloat } from './fake-format.js';
import { labels } from './fake-vllm-metrics.js';

/**
 * Which SGLang metric layout to write (SGLang's production-metrics docs and
 * `python/sglang/srt/metrics/`, Apache-2.0; the names are SGLang's wire format, written here
 * independently of the adapter under test):
 *
 * - `v0.3`: the first `metrics_collector.py` (late 2024): labels `{name}`, `num_requests_running`,
 *   `num_requests_waiting`, `token_usage`, `cache_hit_rate` **in percent**, 1-2-5 token
 *   histograms, no latency histograms.
 * - `v0.4`: the layout of the production-metrics doc example: `{model_name}`, `num_running_reqs`,
 *   `num_queue_reqs`, token counters, TTFT / e2e with vLLM-like buckets, and the per-token
 *   histogram still called `time_per_output_token_seconds`; `func_latency_seconds{name}`.
 * - `current`: `collector.py`: scheduler gauges labelled `model_name`, `engine_type`, `tp_rank`,
 *   `pp_rank`, `moe_ep_rank` (and `dp_rank` under data parallelism), tokenizer counters and
 *   histograms labelled `model_name`, `inter_token_latency_seconds`, `queue_time_seconds`,
 *   `cached_tokens_total`, `num_requests_total`, `num_aborted_requests_total`,
 *   `num_retracted_requests_total`, SGLang's own bucket lists.
 */
export type SglangVersion = 'v0.3' | 'v0.4' | 'current';

type Kind = 'gauge' | 'counter' | 'histogram';
/** Scheduler rows are written per data-parallel rank; tokenizer rows once, summed over ranks. */
type Side = 'scheduler' | 'tokenizer';

export interface SglangRank {
  handles: ModelHandles;
  rank: string | undefined;
  /** Tokens the KV pool holds (`max_total_num_tokens`). */
  poolTokens: number;
}

interface Row {
  name: string;
  kind: Kind;
  side: Side;
  help: string;
  read: (r: SglangRank) => number | HistogramSeries;
}

const finished = (h: ModelHandles) =>
  h.finished('stop').value + h.finished('length').value + h.finished('error').value;
const hitRate = (h: ModelHandles) =>
  h.prefixCacheQueries.value > 0 ? h.prefixCacheHits.value / h.prefixCacheQueries.value : 0;

const g = (name: string, help: string, read: Row['read'], side: Side = 'scheduler'): Row => ({
  name,
  kind: 'gauge',
  side,
  help,
  read,
});
const c = (name: string, help: string, read: Row['read']): Row => ({
  name,
  kind: 'counter',
  side: 'tokenizer',
  help,
  read,
});
const hist = (name: string, help: string, read: Row['read'], side: Side = 'tokenizer'): Row => ({
  name,
  kind: 'histogram',
  side,
  help,
  read,
});

const V03: readonly Row[] = [
  g('sglang:max_total_num_tokens', 'Maximum total number of tokens', (r) => r.poolTokens),
  g(
    'sglang:num_requests_running',
    'Number of requests currently running on GPU',
    (r) => r.handles.requestsRunning.value,
  ),
  g(
    'sglang:num_requests_waiting',
    'Number of requests waiting to be processed.',
    (r) => r.handles.requestsWaiting.value,
  ),
  g('sglang:token_usage', 'Total token usage', (r) => r.handles.kvCacheUsage.value),
  // This layout logged the hit rate the way its console line printed it: in percent.
  g('sglang:cache_hit_rate', 'Cache hit rate', (r) => 100 * hitRate(r.handles)),
  hist(
    'sglang:request_prompt_tokens',
    'Number of prefill tokens processed',
    (r) => r.handles.requestPromptTokens,
  ),
  hist(
    'sglang:request_generation_tokens',
    'Number of generation tokens processed.',
    (r) => r.handles.requestGenerationTokens,
  ),
];

const TOKEN_COUNTERS: readonly Row[] = [
  c(
    'sglang:prompt_tokens_total',
    'Number of prefill tokens processed.',
    (r) => r.handles.promptTokens.value,
  ),
  c(
    'sglang:generation_tokens_total',
    'Number of generation tokens processed.',
    (r) => r.handles.generationTokens.value,
  ),
];

const V04: readonly Row[] = [
  ...TOKEN_COUNTERS,
  g('sglang:token_usage', 'The token usage', (r) => r.handles.kvCacheUsage.value),
  g('sglang:cache_hit_rate', 'The cache hit rate', (r) => hitRate(r.handles)),
  hist(
    'sglang:time_to_first_token_seconds',
    'Histogram of time to first token in seconds.',
    (r) => r.handles.timeToFirstToken,
  ),
  hist(
    'sglang:e2e_request_latency_seconds',
    'Histogram of End-to-end request latency in seconds',
    (r) => r.handles.e2eRequestLatency,
  ),
  // Observed per output token despite its name (the doc's counts are per token, not per request).
  hist(
    'sglang:time_per_output_token_seconds',
    'Histogram of time per output token in seconds.',
    (r) => r.handles.interTokenLatency,
  ),
  g(
    'sglang:num_running_reqs',
    'The number of running requests',
    (r) => r.handles.requestsRunning.value,
  ),
  g('sglang:num_used_tokens', 'The number of used tokens', (r) =>
    Math.round(r.handles.kvCacheUsage.value * r.poolTokens),
  ),
  g(
    'sglang:num_queue_reqs',
    'The number of requests in the waiting queue',
    (r) => r.handles.requestsWaiting.value,
  ),
];

const CURRENT: readonly Row[] = [
  g(
    'sglang:num_running_reqs',
    'The number of running requests.',
    (r) => r.handles.requestsRunning.value,
  ),
  g('sglang:num_used_tokens', 'The number of used tokens.', (r) =>
    Math.round(r.handles.kvCacheUsage.value * r.poolTokens),
  ),
  g('sglang:token_usage', 'The token usage.', (r) => r.handles.kvCacheUsage.value),
  g(
    'sglang:num_queue_reqs',
    'The number of requests in the waiting queue.',
    (r) => r.handles.requestsWaiting.value,
  ),
  g('sglang:cache_hit_rate', 'The prefix cache hit rate.', (r) => hitRate(r.handles)),
  g(
    'sglang:max_total_num_tokens',
    'Maximum total number of tokens in the KV cache pool.',
    (r) => r.poolTokens,
  ),
  g(
    'sglang:engine_load_weights_time',
    'The time taken for the engine to load weights.',
    () => 3.25,
  ),
  {
    name: 'sglang:num_retracted_requests_total',
    kind: 'counter',
    side: 'scheduler',
    help: 'Total number of retracted requests.',
    read: (r) => r.handles.preemptions.value,
  },
  hist(
    'sglang:queue_time_seconds',
    'Histogram of queueing time in seconds.',
    (r) => r.handles.requestQueueTime,
    'scheduler',
  ),
  ...TOKEN_COUNTERS,
  c(
    'sglang:cached_tokens_total',
    'Number of cached prompt tokens.',
    (r) => r.handles.prefixCacheHits.value,
  ),
  c('sglang:num_requests_total', 'Number of requests processed.', (r) => finished(r.handles)),
  c(
    'sglang:num_aborted_requests_total',
    'Number of requests aborted.',
    (r) => r.handles.finished('abort').value,
  ),
  hist(
    'sglang:time_to_first_token_seconds',
    'Histogram of time to first token in seconds.',
    (r) => r.handles.timeToFirstToken,
  ),
  hist(
    'sglang:inter_token_latency_seconds',
    'Histogram of inter-token latency in seconds.',
    (r) => r.handles.interTokenLatency,
  ),
  hist(
    'sglang:e2e_request_latency_seconds',
    'Histogram of End-to-end request latency in seconds',
    (r) => r.handles.e2eRequestLatency,
  ),
];

const ROWS: Record<SglangVersion, readonly Row[]> = { 'v0.3': V03, 'v0.4': V04, current: CURRENT };

/** SGLang's bucket lists per version (metrics_collector.py 1-2-5 tokens; doc example; collector.py). */
export const SGLANG_BUCKETS = {
  'v0.4': {
    timeToFirstToken: [
      0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 15, 20,
      25, 30,
    ],
    e2eRequestLatency: [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60],
    interTokenLatency: [
      0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75,
      1, 2.5,
    ],
  },
  current: {
    timeToFirstToken: [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400],
    e2eRequestLatency: [
      0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 600, 1200, 1800,
      2400,
    ],
    interTokenLatency: [
      0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.06, 0.08, 0.1, 0.2,
      0.4, 0.6, 0.8, 1, 2, 4, 6, 8,
    ],
    requestQueueTime: [
      0.1, 0.2, 0.5, 1, 2, 3, 4, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500,
      600, 700, 800, 900, 1000, 1200, 1400, 1600, 1800, 2000, 2500, 3000,
    ],
  },
} as const;

/** Renders the ranks as one SGLang `/metrics` body in prometheus_client's text format. */
export function renderSglangMetrics(
  model: string,
  ranks: readonly SglangRank[],
  version: SglangVersion,
): string {
  const modelLabel: Record<string, string> =
    version === 'v0.3' ? { name: model } : { model_name: model };
  const scheduler = (r: SglangRank): Record<string, string> =>
    version !== 'current'
      ? modelLabel
      : {
          ...modelLabel,
          engine_type: 'unified',
          tp_rank: '0',
          pp_rank: '0',
          moe_ep_rank: '0',
          ...(r.rank === undefined ? {} : { dp_rank: r.rank }),
        };
  let out = '';
  for (const row of ROWS[version]) {
    const exposed =
      row.kind === 'counter' && !row.name.endsWith('_total') ? `${row.name}_total` : row.name;
    out += `# HELP ${exposed} ${row.help}\n# TYPE ${exposed} ${row.kind}\n`;
    // The tokenizer process sees every rank's requests: one series, summed.
    const groups: { labels: Record<string, string>; ranks: readonly SglangRank[] }[] =
      row.side === 'tokenizer'
        ? [{ labels: modelLabel, ranks }]
        : ranks.map((r) => ({ labels: scheduler(r), ranks: [r] }));
    for (const grp of groups) {
      if (row.kind !== 'histogram') {
        const v = grp.ranks.reduce((a: number, r) => a + (row.read(r) as number), 0);
        out += `${exposed}{${labels(grp.labels)}} ${pyFloat(v)}\n`;
        continue;
      }
      const hs = grp.ranks.map((r) => row.read(r) as HistogramSeries);
      const sum = hs.reduce((a, h) => a + h.sum, 0);
      out += `${row.name}_sum{${labels(grp.labels)}} ${pyFloat(sum)}\n`;
      const bounds = hs[0]!.bounds;
      let cum = 0;
      for (let i = 0; i <= bounds.length; i++) {
        cum += hs.reduce((a, h) => a + h.counts[i]!, 0);
        const le = i < bounds.length ? pyFloat(bounds[i]!) : '+Inf';
        out += `${row.name}_bucket{${labels({ ...grp.labels, le })}} ${pyFloat(cum)}\n`;
      }
      out += `${row.name}_count{${labels(grp.labels)}} ${pyFloat(cum)}\n`;
    }
  }
  if (version === 'v0.4') {
    // A function timer whose `name` label is the function, not the model.
    const n = ranks.reduce((a, r) => a + finished(r.handles), 0);
    out += '# HELP sglang:func_latency_seconds Function latency in seconds\n';
    out += '# TYPE sglang:func_latency_seconds histogram\n';
    out += `sglang:func_latency_seconds_sum{name="generate_request"} ${pyFloat(n * 0.0003)}\n`;
    for (let k = 0, b = 0.05; k < 4; k++, b *= 1.5)
      out += `sglang:func_latency_seconds_bucket{le="${pyFloat(b)}",name="generate_request"} ${pyFloat(n)}\n`;
    out += `sglang:func_latency_seconds_bucket{le="+Inf",name="generate_request"} ${pyFloat(n)}\n`;
    out += `sglang:func_latency_seconds_count{name="generate_request"} ${pyFloat(n)}\n`;
  }
  return out;
}
