import type { MetricId } from '@inferlens/core';

/**
 * vLLM's exposed names (the `_total` that prometheus_client appends included) mapped onto the
 * standard rows. Where vLLM renamed a metric, the current name comes first and the old one is
 * read only when the current one is absent, so versions that export both (0.9–0.11) do not count
 * twice. Source: docs/engines.md, "vLLM" (loggers.py @3168f587; "Renames and removals").
 */
export const VLLM_GAUGES: readonly (readonly [MetricId, readonly string[]])[] = [
  ['requestsRunning', ['vllm:num_requests_running']],
  ['requestsWaiting', ['vllm:num_requests_waiting']],
  // A 0–1 fraction in both spellings ("1 means 100 percent usage"), like llm_kv_cache_usage_ratio.
  ['kvCacheUsage', ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc']],
];

export const VLLM_COUNTERS: readonly (readonly [MetricId, readonly string[]])[] = [
  ['promptTokens', ['vllm:prompt_tokens_total']],
  ['generationTokens', ['vllm:generation_tokens_total']],
  ['promptTokensCached', ['vllm:prompt_tokens_cached_total']],
  ['preemptions', ['vllm:num_preemptions_total']],
  [
    'prefixCacheQueries',
    ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total'],
  ],
  ['prefixCacheHits', ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total']],
];

/** Finished requests by `finished_reason` (stop, length, abort, error, repetition). */
export const VLLM_REQUEST_SUCCESS = 'vllm:request_success_total';

/** Histogram families (base names; samples are `_bucket`, `_sum`, `_count`). */
export const VLLM_HISTOGRAMS: readonly (readonly [MetricId, readonly string[]])[] = [
  ['timeToFirstToken', ['vllm:time_to_first_token_seconds']],
  // Renamed in 0.11: the old name measured the same per-output gap.
  ['interTokenLatency', ['vllm:inter_token_latency_seconds', 'vllm:time_per_output_token_seconds']],
  ['timePerOutputToken', ['vllm:request_time_per_output_token_seconds']],
  ['e2eRequestLatency', ['vllm:e2e_request_latency_seconds']],
  ['requestQueueTime', ['vllm:request_queue_time_seconds']],
  ['requestPrefillTime', ['vllm:request_prefill_time_seconds']],
  ['requestDecodeTime', ['vllm:request_decode_time_seconds']],
  ['requestInferenceTime', ['vllm:request_inference_time_seconds']],
  ['requestPromptTokens', ['vllm:request_prompt_tokens']],
  ['requestGenerationTokens', ['vllm:request_generation_tokens']],
  // The histogram's own name ends in _total (loggers.py); it is not a counter.
  ['iterationTokens', ['vllm:iteration_tokens_total']],
];
