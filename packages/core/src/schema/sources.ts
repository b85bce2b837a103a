import { TGI_DURATION_SECONDS } from './buckets.js';
import type { MetricDefinition } from './types.js';

/** Engine sources: per-target health, and engine-only series with no standard equivalent. */
export const sourceMetrics = {
  // Engine sources — @inferlens/vllm, @inferlens/tgi
  // Each scraped engine target reports its health here. The engine's own metrics are mirrored under
  // the rows above (llm_*), keeping the engine's histogram buckets and adding the labels `target`
  // and, for vLLM data parallelism, `dp_rank`; the rows below marked TGI have no equivalent above.
  sourceUp: {
    kind: 'gauge',
    unit: '1',
    promUnit: '',
    help: 'Whether the last scrape of an engine target succeeded: 1 or 0.',
    definition:
      '0 when the target was down, slow (timed out), answered an HTTP error, or sent a truncated, malformed or oversized body; the reason is counted in inferlens_source_scrape_errors_total.',
    scope: 'none',
    labels: ['engine', 'target'],
    prometheus: 'inferlens_source_up',
    otel: 'inferlens.source.up',
    semconv: false,
  },
  sourceScrapeDuration: {
    kind: 'gauge',
    unit: 's',
    promUnit: 'seconds',
    help: 'Duration of the last scrape of an engine target.',
    definition:
      'Wall time of the last scrape, from the request to the parsed body, or to the failure.',
    scope: 'none',
    labels: ['engine', 'target'],
    prometheus: 'inferlens_source_scrape_duration_seconds',
    otel: 'inferlens.source.scrape.duration',
    semconv: false,
  },
  sourceLastSuccess: {
    kind: 'gauge',
    unit: 's',
    promUnit: 'seconds',
    help: 'Unix time of the last successful scrape of an engine target.',
    definition:
      'Wall-clock seconds of the scrape whose data the mirrored series show; absent until one succeeds.',
    scope: 'none',
    labels: ['engine', 'target'],
    prometheus: 'inferlens_source_last_success_timestamp_seconds',
    otel: 'inferlens.source.last_success',
    semconv: false,
  },
  sourceStale: {
    kind: 'gauge',
    unit: '1',
    promUnit: '',
    help: 'Whether the mirrored series of an engine target are from an earlier scrape: 1 or 0.',
    definition:
      '1 while the last scrape failed and the last good data is still shown (until staleAfterMs, then it is dropped); 0 when the data is fresh.',
    scope: 'none',
    labels: ['engine', 'target'],
    prometheus: 'inferlens_source_stale',
    otel: 'inferlens.source.stale',
    semconv: false,
  },
  sourceScrapeErrors: {
    kind: 'counter',
    unit: '{scrape}',
    promUnit: '',
    help: 'Failed scrapes of an engine target, by reason.',
    definition:
      'reason is unreachable, timeout, http_error, too_large, truncated, malformed (nothing in the body parses, or one bad line under strict: true) or cross_origin_redirect (a redirect to another origin, never followed, so the configured headers stay with the target); single bad lines are otherwise skipped and counted in inferlens_source_series_dropped_total.',
    scope: 'none',
    labels: ['engine', 'target', 'reason'],
    prometheus: 'inferlens_source_scrape_errors_total',
    otel: 'inferlens.source.scrape.errors',
    semconv: false,
  },
  sourceStandardSeries: {
    kind: 'gauge',
    unit: '{series}',
    promUnit: '',
    help: 'Standard llm_* series an engine target filled in its last good scrape.',
    definition:
      'Counts the mirrored series of standard rows (requests, latencies, tokens, queue and KV gauges) from the last good scrape; 0 while inferlens_source_up is 1 means the target answers but its metrics are not ones its adapter knows (a wrong engine, or a layout this version cannot read).',
    scope: 'none',
    labels: ['engine', 'target'],
    prometheus: 'inferlens_source_standard_series',
    otel: 'inferlens.source.standard_series',
    semconv: false,
  },
  sourceSeriesDropped: {
    kind: 'counter',
    unit: '{series}',
    promUnit: '',
    help: 'Lines and series of engine scrapes that were skipped, by reason.',
    definition:
      'reason is bad_line (a line that does not parse, skipped alone), bad_value (a sample whose value does not parse, such as llama.cpp’s -nan), histogram_incomplete (no +Inf bucket and no _count), bucket_mismatch (two engine series land on one standard series with different bucket bounds) or series_limit (past maxSeries; standard rows are kept first).',
    scope: 'none',
    labels: ['engine', 'target', 'reason'],
    prometheus: 'inferlens_source_series_dropped_total',
    otel: 'inferlens.source.series.dropped',
    semconv: false,
  },
  tgiTimeToFirstTokenProxy: {
    kind: 'gauge',
    unit: 's',
    promUnit: 'seconds',
    help: 'TGI only, a proxy, not a measured TTFT: median queue time plus median prefill batch time.',
    definition:
      'TGI exports no time to first token; this is what its own Grafana dashboard shows instead: p50 of tgi_request_queue_duration plus p50 of tgi_batch_inference_duration{method="prefill"} over the last 10 minutes of scrapes. It excludes validation and is a sum of medians, not a per-request quantile.',
    scope: 'llm',
    labels: ['target'],
    prometheus: 'llm_tgi_time_to_first_token_proxy_seconds',
    otel: 'llm.tgi.time_to_first_token.proxy',
    semconv: false,
  },
  tgiBatchInferenceDuration: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'TGI only: duration of one prefill or decode call for a whole batch.',
    definition:
      'tgi_batch_inference_duration: the router-side prefill or decode call for the running batch, filtering included (per batch, not per request).',
    scope: 'llm',
    labels: ['method', 'target'],
    buckets: TGI_DURATION_SECONDS,
    prometheus: 'llm_tgi_batch_inference_duration_seconds',
    otel: 'llm.tgi.batch.inference.duration',
    semconv: false,
  },
  tgiRequestValidationDuration: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'TGI only: time from the request reaching the router to its being queued.',
    definition: 'tgi_request_validation_duration: tokenization and validation before queueing.',
    scope: 'llm',
    labels: ['target'],
    buckets: TGI_DURATION_SECONDS,
    prometheus: 'llm_tgi_request_validation_duration_seconds',
    otel: 'llm.tgi.request.validation.duration',
    semconv: false,
  },
  tgiBatchMaxTokens: {
    kind: 'gauge',
    unit: '{token}',
    promUnit: 'tokens',
    help: 'TGI only: tokens reserved by the running batch.',
    definition:
      'tgi_batch_current_max_tokens: the token reservation of the running batch, 0 when idle.',
    scope: 'llm',
    labels: ['target'],
    prometheus: 'llm_tgi_batch_max_tokens',
    otel: 'llm.tgi.batch.max_tokens',
    semconv: false,
  },
  sglangCacheHitRate: {
    kind: 'gauge',
    unit: '1',
    promUnit: 'ratio',
    help: 'SGLang only: the prefix-cache hit rate the scheduler last reported, 0 to 1.',
    definition:
      'sglang:cache_hit_rate, a recent-window ratio kept because SGLang exports prefix-cache hits as this gauge; early builds wrote it in percent and are rescaled to 0–1. Where SGLang also counts cached tokens, llm_prefix_cache_hits_total carries them as a counter.',
    scope: 'llm',
    labels: ['target'],
    prometheus: 'llm_sglang_cache_hit_ratio',
    otel: 'llm.sglang.cache_hit_ratio',
    semconv: false,
  },
} as const satisfies Record<string, MetricDefinition>;
