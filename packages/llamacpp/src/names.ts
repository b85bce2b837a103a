import type { MetricId } from '@inferlens/core';

/**
 * llama.cpp server's exposed names (`llama-server --metrics`; ggml-org/llama.cpp `tools/server`,
 * MIT) mapped onto the standard rows. The server writes no labels at all. Sources: the server
 * README's metric list, `server.cpp` (mid-2025) and `server-task.cpp` (current).
 */
export const LLAMACPP_GAUGES: readonly (readonly [MetricId, string])[] = [
  ['requestsRunning', 'llamacpp:requests_processing'],
  // Requests waiting for a free slot.
  ['requestsWaiting', 'llamacpp:requests_deferred'],
  // Removed from the server in mid-2025; absent (never 0) on later builds.
  ['kvCacheUsage', 'llamacpp:kv_cache_usage_ratio'],
];

export const LLAMACPP_GENERATED = 'llamacpp:tokens_predicted_total';

/** Prompt tokens the server evaluated; a prompt's cached part is not in it. */
export const LLAMACPP_PROMPT = 'llamacpp:prompt_tokens_total';

/** Prompt tokens served from the slot cache (current builds only). */
export const LLAMACPP_PROMPT_CACHED = 'llamacpp:prompt_tokens_cached_total';
