import type { MetricId } from '@inferlens/core';

/**
 * TGI's metric names (docs/engines.md, "TGI", router at db931fcf; no name changed from
 * v0.9.0 to v3.3.7). TGI's exporter writes counters without `_total`; the `_total` spellings are
 * read too in case an intermediary re-exports them.
 */
export const TGI_SUCCESS = ['tgi_request_success', 'tgi_request_success_total'] as const;
/** By `err`. Never `tgi_request_count`: OpenAI and Vertex routes count each request twice (#1901). */
export const TGI_FAILURE = ['tgi_request_failure', 'tgi_request_failure_total'] as const;

/** Every `err` value at HEAD; each is exported as 0 until TGI creates the series on first use. */
export const TGI_FAILURE_KINDS = [
  'validation',
  'overloaded',
  'template',
  'incomplete',
  'dropped',
  'generation',
] as const;

/** `dropped` means the client went away: an abort, not an engine error. */
export const TGI_ABORT_KIND = 'dropped';

export const TGI_GAUGES: readonly (readonly [MetricId, string])[] = [
  ['requestsWaiting', 'tgi_queue_size'],
  ['requestsRunning', 'tgi_batch_current_size'],
  ['tgiBatchMaxTokens', 'tgi_batch_current_max_tokens'],
];

/** Histogram families mirrored with TGI's buckets (its summaries have no buckets and are skipped). */
export const TGI_HISTOGRAMS: readonly (readonly [MetricId, string])[] = [
  ['e2eRequestLatency', 'tgi_request_duration'],
  ['requestQueueTime', 'tgi_request_queue_duration'],
  ['requestInferenceTime', 'tgi_request_inference_duration'],
  // inference time / generated tokens: it includes prefill, so it is TPOT-like, not an ITL
  // (kubernetes-sigs/inference-perf#203).
  ['timePerOutputToken', 'tgi_request_mean_time_per_token_duration'],
  ['requestGenerationTokens', 'tgi_request_generated_tokens'],
  ['requestPromptTokens', 'tgi_request_input_length'],
  ['tgiRequestValidationDuration', 'tgi_request_validation_duration'],
  ['tgiBatchInferenceDuration', 'tgi_batch_inference_duration'],
];

/** Token counters derived from histogram sums (recorded when a request completes). */
export const TGI_TOKEN_SUMS: readonly (readonly [MetricId, string])[] = [
  ['generationTokens', 'tgi_request_generated_tokens_sum'],
  ['promptTokens', 'tgi_request_input_length_sum'],
];

/** The two medians TGI's own dashboard adds up as "Time to first token". */
export const TGI_TTFT_PROXY = {
  queue: 'tgi_request_queue_duration',
  prefill: 'tgi_batch_inference_duration',
  prefillMethod: 'prefill',
} as const;
