import type { MetricId } from '@inferlens/core';

/**
 * SGLang's exposed names mapped onto the standard rows (docs/references/production_metrics.md
 * and `python/sglang/srt/metrics/collector.py` in sgl-project/sglang, Apache-2.0). Where SGLang
 * renamed a metric, the current name comes first; the older one is read only when the current one
 * is absent. See the package README for each layout.
 */
export const SGLANG_GAUGES: readonly (readonly [MetricId, readonly string[]])[] = [
  // `num_requests_running` / `_waiting`: the first metrics_collector.py (v0.3).
  ['requestsRunning', ['sglang:num_running_reqs', 'sglang:num_requests_running']],
  ['requestsWaiting', ['sglang:num_queue_reqs', 'sglang:num_requests_waiting']],
  // Used KV tokens / the KV token pool: the same 0–1 fraction as llm_kv_cache_usage_ratio.
  ['kvCacheUsage', ['sglang:token_usage']],
  ['modelLoadTime', ['sglang:engine_load_weights_time']],
];

export const SGLANG_COUNTERS: readonly (readonly [MetricId, readonly string[]])[] = [
  ['promptTokens', ['sglang:prompt_tokens_total']],
  ['generationTokens', ['sglang:generation_tokens_total']],
  // Retraction is SGLang's word for preemption (a running request sent back to the queue).
  ['preemptions', ['sglang:num_retracted_requests_total']],
];

/** Cached prompt tokens; SGLang creates the series with the first hit (zero until then). */
export const SGLANG_CACHED_TOKENS = 'sglang:cached_tokens_total';

/** Finished requests; SGLang does not say why they ended. */
export const SGLANG_REQUESTS = 'sglang:num_requests_total';

/** The scheduler's recent prefix-cache hit rate; a percentage in the v0.3 layout. */
export const SGLANG_CACHE_HIT_RATE = 'sglang:cache_hit_rate';

/** Names only the v0.3 layout has, which also writes `cache_hit_rate` in percent. */
export const SGLANG_V03_MARKERS = ['sglang:num_requests_running', 'sglang:num_requests_waiting'];

/** Histogram families (base names), current spelling first. */
export const SGLANG_HISTOGRAMS: readonly (readonly [MetricId, readonly string[]])[] = [
  ['timeToFirstToken', ['sglang:time_to_first_token_seconds']],
  // Observed per output token in both spellings (the v0.4 doc example counts tokens, not requests).
  [
    'interTokenLatency',
    ['sglang:inter_token_latency_seconds', 'sglang:time_per_output_token_seconds'],
  ],
  ['e2eRequestLatency', ['sglang:e2e_request_latency_seconds']],
  ['requestQueueTime', ['sglang:queue_time_seconds']],
  // `--collect-tokens-histogram` in current builds; always on in v0.3.
  ['requestPromptTokens', ['sglang:prompt_tokens_histogram', 'sglang:request_prompt_tokens']],
  [
    'requestGenerationTokens',
    ['sglang:generation_tokens_histogram', 'sglang:request_generation_tokens'],
  ],
];
