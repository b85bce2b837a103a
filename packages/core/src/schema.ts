/**
 * The one table of metrics. Every name inferlens publishes is written here and nowhere else:
 * exposition, the prom-client and OpenTelemetry bridges, the docs reference and (later) dashboards
 * and rules are all generated from these rows.
 *
 * Semantics follow vLLM's definitions (docs/design/metrics.md): TTFT runs from arrival to the first
 * token, queue time from queued to scheduled, prefill from scheduled to the first token, decode from
 * the first to the last token, ITL between successive token outputs, and
 * TPOT = (e2e − TTFT) / (generated tokens − 1).
 */

/** OTel GenAI semconv `gen_ai.server.request.duration` boundaries (B_dur), then vLLM's
 * `request_latency` tail: semconv stops at 81.92 s, long generations and queues run far past it. */
const REQUEST_SECONDS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 120, 240,
  480, 960, 1920, 7680,
] as const;

/** Semconv `gen_ai.server.time_to_first_token` boundaries (to 10 s), then vLLM's TTFT tail to
 * 2560 s: under load or on hosted APIs TTFT p99 is tens of seconds. Equal to vLLM's TTFT family. */
const TTFT_SECONDS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
  160, 640, 2560,
] as const;

/** Semconv `gen_ai.server.time_per_output_token` boundaries (to 2.5 s), then vLLM's
 * `inter_token_latency` tail (preemption stalls a decode for seconds). Equal to vLLM's ITL family. */
const TOKEN_SECONDS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
] as const;

/** Semconv `gen_ai.client.token.usage` boundaries (powers of 4). */
const TOKENS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;

/** vLLM's `iteration_tokens` family. */
const ITERATION_TOKENS = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384] as const;

const BATCH_REQUESTS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] as const;

/** OTel HTTP semconv `http.server.request.duration` boundaries, then minutes: LLM streams run long. */
const HTTP_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120, 300, 600,
] as const;

/** Body sizes from a tiny JSON request to a long streamed completion. */
const HTTP_BYTES = [100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000] as const;

/** TGI's bucket set for every `*_duration` histogram: 0.0001 s × 1.5^k, k = 1..35 (server.rs), built
 * by repeated multiplication as TGI builds it, so the bounds are the same doubles as its `le`s. */
const TGI_DURATION_SECONDS: readonly number[] = (() => {
  const out: number[] = [];
  let v = 0.0001;
  for (let k = 0; k < 35; k++) out.push((v *= 1.5));
  return out;
})();

export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** Which labels a row carries beyond the user's constant labels. */
export type LabelScope = 'llm' | 'none';

export interface MetricDefinition {
  readonly kind: MetricKind;
  /** Base unit, UCUM-ish as OTel writes it: `s`, `{token}`, `{request}`, `1`. */
  readonly unit: string;
  /** The unit word Prometheus and OpenMetrics put at the end of the name (`seconds`, `tokens`). */
  readonly promUnit: string;
  readonly help: string;
  /** One-sentence definition, shown in the docs reference. */
  readonly definition: string;
  /** `llm`: `model_name` and `engine` come first; `none`: only the row's own labels. */
  readonly scope: LabelScope;
  /** Labels of this row after the scope's labels. */
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
  /** Prometheus profile name (counters end in `_total`). */
  readonly prometheus: string;
  /** OTel profile name: GenAI semconv where one exists. */
  readonly otel: string;
  /** Constant OTel attributes that tell rows sharing one OTel name apart. */
  readonly otelAttributes?: Readonly<Record<string, string>>;
  /** True when `otel` is an OTel semantic-convention name (GenAI, HTTP, hardware), false when it is ours. */
  readonly semconv: boolean;
  /** A gauge that OTel models as an UpDownCounter (in-flight counts): a non-monotonic sum. */
  readonly otelUpDown?: boolean;
}

export const schema = {
  requests: {
    kind: 'counter',
    unit: '{request}',
    promUnit: '',
    help: 'Number of finished requests by finish reason.',
    definition:
      'Counts each request once when it ends: stop, length, abort, error, repetition, or the engine’s own reason.',
    scope: 'llm',
    labels: ['finish_reason'],
    prometheus: 'llm_requests_total',
    otel: 'llm.requests',
    semconv: false,
  },
  requestErrors: {
    kind: 'counter',
    unit: '{request}',
    promUnit: '',
    help: 'Number of requests that failed, by error type.',
    definition:
      'Counts each failed request once by a low-cardinality error type; failed requests are also counted in llm_requests_total with finish_reason="error".',
    scope: 'llm',
    labels: ['error_type'],
    prometheus: 'llm_request_errors_total',
    otel: 'llm.request.errors',
    semconv: false,
  },
  timeToFirstToken: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time from request arrival to the first output token.',
    definition:
      'From arrival (before queueing and tokenization) to the first generated token, recorded when that token appears (as vLLM does); includes queue and prefill time.',
    scope: 'llm',
    labels: [],
    buckets: TTFT_SECONDS,
    prometheus: 'llm_time_to_first_token_seconds',
    otel: 'gen_ai.server.time_to_first_token',
    semconv: true,
  },
  interTokenLatency: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time between successive token outputs of one request.',
    definition:
      'Observed once per engine output after the first, so several tokens in one output give one sample (as vLLM counts it).',
    scope: 'llm',
    labels: [],
    buckets: TOKEN_SECONDS,
    prometheus: 'llm_inter_token_latency_seconds',
    otel: 'llm.inter_token_latency',
    semconv: false,
  },
  timePerOutputToken: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Mean time per output token after the first, per request.',
    definition:
      '(e2e − TTFT) / (generated tokens − 1), once per successful request that generated at least two tokens.',
    scope: 'llm',
    labels: [],
    buckets: TOKEN_SECONDS,
    prometheus: 'llm_time_per_output_token_seconds',
    otel: 'gen_ai.server.time_per_output_token',
    semconv: true,
  },
  e2eRequestLatency: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time from request arrival to its last output token.',
    definition:
      'From arrival to the end of the request, for requests that finished (not for failed requests or client aborts).',
    scope: 'llm',
    labels: [],
    buckets: REQUEST_SECONDS,
    prometheus: 'llm_e2e_request_latency_seconds',
    otel: 'gen_ai.server.request.duration',
    semconv: true,
  },
  requestQueueTime: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time a request spent waiting before it was scheduled.',
    definition:
      'From queued to first scheduled (the WAITING phase); a preempted request adds its second wait to the same request.',
    scope: 'llm',
    labels: [],
    buckets: REQUEST_SECONDS,
    prometheus: 'llm_request_queue_time_seconds',
    otel: 'llm.request.queue_time',
    semconv: false,
  },
  requestPrefillTime: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time from scheduling to the first output token.',
    definition: 'From first scheduled to the first generated token (the PREFILL phase).',
    scope: 'llm',
    labels: [],
    buckets: REQUEST_SECONDS,
    prometheus: 'llm_request_prefill_time_seconds',
    otel: 'llm.request.prefill_time',
    semconv: false,
  },
  requestDecodeTime: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time from the first to the last output token.',
    definition: 'From the first to the last generated token (the DECODE phase).',
    scope: 'llm',
    labels: [],
    buckets: REQUEST_SECONDS,
    prometheus: 'llm_request_decode_time_seconds',
    otel: 'llm.request.decode_time',
    semconv: false,
  },
  requestInferenceTime: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time from scheduling to the last output token.',
    definition:
      'From first scheduled to the last generated token (prefill + decode, the RUNNING phase).',
    scope: 'llm',
    labels: [],
    buckets: REQUEST_SECONDS,
    prometheus: 'llm_request_inference_time_seconds',
    otel: 'llm.request.inference_time',
    semconv: false,
  },
  promptTokens: {
    kind: 'counter',
    unit: '{token}',
    promUnit: 'tokens',
    help: 'Number of prompt (prefill) tokens processed.',
    definition: 'Sum of prompt tokens of finished requests.',
    scope: 'llm',
    labels: [],
    prometheus: 'llm_prompt_tokens_total',
    otel: 'llm.prompt_tokens',
    semconv: false,
  },
  generationTokens: {
    kind: 'counter',
    unit: '{token}',
    promUnit: 'tokens',
    help: 'Number of generated tokens.',
    definition:
      'Counted as tokens are produced, so the rate is live throughput; aborted and failed requests count what they produced.',
    scope: 'llm',
    labels: [],
    prometheus: 'llm_generation_tokens_total',
    otel: 'llm.generation_tokens',
    semconv: false,
  },
  promptTokensCached: {
    kind: 'counter',
    unit: '{token}',
    promUnit: 'tokens',
    help: 'Number of prompt tokens served from the prefix cache.',
    definition: 'Sum of the cached prompt tokens that finished requests report.',
    scope: 'llm',
    labels: [],
    prometheus: 'llm_prompt_tokens_cached_total',
    otel: 'llm.prompt_tokens.cached',
    semconv: false,
  },
  requestPromptTokens: {
    kind: 'histogram',
    unit: '{token}',
    promUnit: 'tokens',
    help: 'Prompt tokens per finished request.',
    definition: 'Prompt length of each finished request.',
    scope: 'llm',
    labels: [],
    buckets: TOKENS,
    prometheus: 'llm_request_prompt_tokens',
    otel: 'gen_ai.client.token.usage',
    otelAttributes: { 'gen_ai.token.type': 'input' },
    semconv: true,
  },
  requestGenerationTokens: {
    kind: 'histogram',
    unit: '{token}',
    promUnit: 'tokens',
    help: 'Generated tokens per finished request.',
    definition: 'Output length of each finished request.',
    scope: 'llm',
    labels: [],
    buckets: TOKENS,
    prometheus: 'llm_request_generation_tokens',
    otel: 'gen_ai.client.token.usage',
    otelAttributes: { 'gen_ai.token.type': 'output' },
    semconv: true,
  },
  prefixCacheQueries: {
    kind: 'counter',
    unit: '{token}',
    promUnit: 'tokens',
    help: 'Prefix-cache queries, in queried tokens.',
    definition:
      'Tokens looked up in the prefix cache; hit rate is rate(llm_prefix_cache_hits_total) / rate(llm_prefix_cache_queries_total).',
    scope: 'llm',
    labels: [],
    prometheus: 'llm_prefix_cache_queries_total',
    otel: 'llm.prefix_cache.queries',
    semconv: false,
  },
  prefixCacheHits: {
    kind: 'counter',
    unit: '{token}',
    promUnit: 'tokens',
    help: 'Prefix-cache hits, in cached tokens.',
    definition: 'Tokens found in the prefix cache.',
    scope: 'llm',
    labels: [],
    prometheus: 'llm_prefix_cache_hits_total',
    otel: 'llm.prefix_cache.hits',
    semconv: false,
  },
  requestsRunning: {
    kind: 'gauge',
    unit: '{request}',
    promUnit: '',
    help: 'Number of requests in the running batch.',
    definition: 'Requests scheduled and not yet ended (prefill or decode).',
    scope: 'llm',
    labels: [],
    prometheus: 'llm_requests_running',
    otel: 'llm.requests.running',
    semconv: false,
    otelUpDown: true,
  },
  requestsWaiting: {
    kind: 'gauge',
    unit: '{request}',
    promUnit: '',
    help: 'Number of requests waiting to be scheduled.',
    definition: 'Requests queued or preempted and not yet (re)scheduled.',
    scope: 'llm',
    labels: [],
    prometheus: 'llm_requests_waiting',
    otel: 'llm.requests.waiting',
    semconv: false,
    otelUpDown: true,
  },
  kvCacheUsage: {
    kind: 'gauge',
    unit: '1',
    promUnit: 'ratio',
    help: 'Fraction of the KV cache in use, 0 to 1.',
    definition: 'Used KV-cache blocks divided by all blocks, as the engine last reported it.',
    scope: 'llm',
    labels: [],
    prometheus: 'llm_kv_cache_usage_ratio',
    otel: 'llm.kv_cache.usage',
    semconv: false,
  },
  preemptions: {
    kind: 'counter',
    unit: '{preemption}',
    promUnit: '',
    help: 'Number of requests preempted by the scheduler.',
    definition:
      'Counts each preemption (a running request sent back to waiting, usually for lack of KV cache).',
    scope: 'llm',
    labels: [],
    prometheus: 'llm_preemptions_total',
    otel: 'llm.preemptions',
    semconv: false,
  },
  iterationTokens: {
    kind: 'histogram',
    unit: '{token}',
    promUnit: 'tokens',
    help: 'Tokens processed per engine step.',
    definition: 'Prefill plus decode tokens of one engine step (iteration).',
    scope: 'llm',
    labels: [],
    buckets: ITERATION_TOKENS,
    prometheus: 'llm_iteration_tokens',
    otel: 'llm.iteration.tokens',
    semconv: false,
  },
  batchSize: {
    kind: 'histogram',
    unit: '{request}',
    promUnit: '',
    help: 'Requests in the batch per engine step.',
    definition: 'Number of sequences one engine step ran.',
    scope: 'llm',
    labels: [],
    buckets: BATCH_REQUESTS,
    prometheus: 'llm_batch_size',
    otel: 'llm.batch.size',
    semconv: false,
  },
  modelLoadTime: {
    kind: 'gauge',
    unit: 's',
    promUnit: 'seconds',
    help: 'Seconds the model took to load.',
    definition: 'Wall time of the last model load, set by the engine or the app.',
    scope: 'llm',
    labels: [],
    prometheus: 'llm_model_load_time_seconds',
    otel: 'llm.model.load_time',
    semconv: false,
  },
  seriesOverflow: {
    kind: 'counter',
    unit: '{series}',
    promUnit: '',
    help: 'Label sets folded into a metric’s overflow series because it reached its series limit.',
    definition:
      'Counts each new label set refused by the cardinality guard; its values went to the series labelled otel_metric_overflow="true".',
    scope: 'none',
    labels: ['metric'],
    prometheus: 'inferlens_series_overflow_total',
    otel: 'inferlens.series.overflow',
    semconv: false,
  },
  // HTTP (middleware) — @inferlens/express, @inferlens/fastify, @inferlens/hono
  // `tenant` is the one custom label: empty (and so absent) unless the app fills it from the
  // request with the middleware's `labels` option, bounded to a number of distinct values.
  httpRequests: {
    kind: 'counter',
    unit: '{request}',
    promUnit: '',
    help: 'Number of HTTP requests that ended, by route, status and outcome.',
    definition:
      'Counts each request once when it ends: outcome="completed" when the app ended the response, "aborted" when the client went away first (status 499 if no header was sent), "error" for a 5xx response or a body stream that failed; unmatched routes read route="#unmatched".',
    scope: 'none',
    labels: ['method', 'route', 'status', 'outcome', 'tenant'],
    prometheus: 'http_requests_total',
    otel: 'inferlens.http.server.requests',
    semconv: false,
  },
  httpRequestDuration: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time from request start to the end of the response body.',
    definition:
      'From the request reaching the middleware to the last byte of the response body (the end of a stream), or to the abort.',
    scope: 'none',
    labels: ['method', 'route', 'status', 'outcome', 'tenant'],
    buckets: HTTP_SECONDS,
    prometheus: 'http_request_duration_seconds',
    otel: 'http.server.request.duration',
    semconv: true,
  },
  httpTimeToFirstByte: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time from request start to the first byte of the response body.',
    definition:
      'From the request reaching the middleware to the first body byte written (for SSE, the first event); the streaming analogue of TTFT at the HTTP layer.',
    scope: 'none',
    labels: ['method', 'route', 'tenant'],
    buckets: HTTP_SECONDS,
    prometheus: 'http_time_to_first_byte_seconds',
    otel: 'inferlens.http.server.time_to_first_byte',
    semconv: false,
  },
  httpRequestSize: {
    kind: 'histogram',
    unit: 'By',
    promUnit: 'bytes',
    help: 'Request body bytes actually read.',
    definition: 'Bytes of request body read from the socket (not the Content-Length header).',
    scope: 'none',
    labels: ['method', 'route', 'tenant'],
    buckets: HTTP_BYTES,
    prometheus: 'http_request_size_bytes',
    otel: 'http.server.request.body.size',
    semconv: true,
  },
  httpResponseSize: {
    kind: 'histogram',
    unit: 'By',
    promUnit: 'bytes',
    help: 'Response body bytes actually written.',
    definition:
      'Bytes of response body written, counted as they are written, so streams and aborted streams count what was sent.',
    scope: 'none',
    labels: ['method', 'route', 'status', 'tenant'],
    buckets: HTTP_BYTES,
    prometheus: 'http_response_size_bytes',
    otel: 'http.server.response.body.size',
    semconv: true,
  },
  httpRequestsInFlight: {
    kind: 'gauge',
    unit: '{request}',
    promUnit: '',
    help: 'Number of HTTP requests being served.',
    definition:
      'Requests that reached the middleware and have not ended (completed, aborted or failed).',
    scope: 'none',
    labels: ['method'],
    prometheus: 'http_requests_in_flight',
    otel: 'http.server.active_requests',
    semconv: true,
    otelUpDown: true,
  },
  eventsDropped: {
    kind: 'counter',
    unit: '{event}',
    promUnit: '',
    help: 'Engine events and tracker calls skipped as invalid, by reason.',
    definition:
      'unknown_id, duplicate, out_of_order, after_end, invalid_event, invalid_value, expired (a request that never ended), stopped, listener_error, name_clash (a bridged metric whose name we already publish).',
    scope: 'none',
    labels: ['reason'],
    prometheus: 'inferlens_events_dropped_total',
    otel: 'inferlens.events.dropped',
    semconv: false,
  },
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
      'reason is unreachable, timeout, http_error, too_large, truncated or malformed; a malformed body is refused whole, as Prometheus refuses it.',
    scope: 'none',
    labels: ['engine', 'target', 'reason'],
    prometheus: 'inferlens_source_scrape_errors_total',
    otel: 'inferlens.source.scrape.errors',
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
  // GPU (NVML) — @inferlens/nvml
  // One series per GPU, labelled gpu (NVML index, not the CUDA index), uuid (stable across
  // reboots) and name. A field the GPU does not report has no series at all, never a 0.
  gpuUtilization: {
    kind: 'gauge',
    unit: '1',
    promUnit: 'ratio',
    help: 'Fraction of time one or more kernels ran on the GPU, 0 to 1.',
    definition:
      'NVML utilization.gpu over its last sample period (1/6 s to 1 s, by product); not reported on MIG-enabled GPUs.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_utilization_ratio',
    otel: 'hw.gpu.utilization',
    // The hardware semconv requires hw.type="gpu" on every hw.gpu.* metric.
    otelAttributes: { 'hw.type': 'gpu', 'hw.gpu.task': 'general' },
    semconv: true,
  },
  gpuMemoryUtilization: {
    kind: 'gauge',
    unit: '1',
    promUnit: 'ratio',
    help: 'Fraction of time device memory was being read or written, 0 to 1.',
    definition:
      'NVML utilization.memory: memory-controller busy time over the last sample period, not the share of memory in use (that is used / total).',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_memory_utilization_ratio',
    otel: 'gpu.memory_controller.utilization',
    semconv: false,
  },
  gpuMemoryUsed: {
    kind: 'gauge',
    unit: 'By',
    promUnit: 'bytes',
    help: 'Device memory in use, reserved memory included.',
    definition:
      'NVML memory used (allocated plus driver-reserved, per nvmlDeviceGetMemoryInfo_v2); not reported on integrated GPUs.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_memory_used_bytes',
    otel: 'hw.gpu.memory.usage',
    otelAttributes: { 'hw.type': 'gpu' },
    semconv: true,
  },
  gpuMemoryFree: {
    kind: 'gauge',
    unit: 'By',
    promUnit: 'bytes',
    help: 'Device memory free.',
    definition: 'NVML memory free: total minus used.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_memory_free_bytes',
    otel: 'gpu.memory.free',
    semconv: false,
  },
  gpuMemoryTotal: {
    kind: 'gauge',
    unit: 'By',
    promUnit: 'bytes',
    help: 'Device memory size.',
    definition: 'NVML memory total: the memory the GPU makes available.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_memory_total_bytes',
    otel: 'hw.gpu.memory.limit',
    otelAttributes: { 'hw.type': 'gpu' },
    semconv: true,
  },
  gpuMemoryReserved: {
    kind: 'gauge',
    unit: 'By',
    promUnit: 'bytes',
    help: 'Device memory reserved by the driver and firmware.',
    definition:
      'NVML reserved memory, counted inside used; only drivers with nvmlDeviceGetMemoryInfo_v2 report it.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_memory_reserved_bytes',
    otel: 'gpu.memory.reserved',
    semconv: false,
  },
  gpuPowerDraw: {
    kind: 'gauge',
    unit: 'W',
    promUnit: 'watts',
    help: 'Power drawn by the GPU board.',
    definition: 'NVML power usage in watts; Ampere (except GA100) and newer average it over 1 s.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_power_draw_watts',
    otel: 'gpu.power.draw',
    semconv: false,
  },
  gpuPowerLimit: {
    kind: 'gauge',
    unit: 'W',
    promUnit: 'watts',
    help: 'Power limit the driver enforces on the GPU.',
    definition: 'NVML enforced power limit in watts: the lowest of all limits set on the board.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_power_limit_watts',
    otel: 'gpu.power.limit',
    semconv: false,
  },
  gpuTemperature: {
    kind: 'gauge',
    unit: 'Cel',
    promUnit: 'celsius',
    help: 'GPU die temperature.',
    definition: 'NVML temperature of the GPU sensor in degrees Celsius.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_temperature_celsius',
    otel: 'gpu.temperature',
    semconv: false,
  },
  gpuSmClock: {
    kind: 'gauge',
    unit: 'Hz',
    promUnit: 'hertz',
    help: 'Current SM (streaming multiprocessor) clock.',
    definition: 'NVML current SM clock, converted from MHz to hertz.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_sm_clock_hertz',
    otel: 'gpu.clock.sm',
    semconv: false,
  },
  gpuMemoryClock: {
    kind: 'gauge',
    unit: 'Hz',
    promUnit: 'hertz',
    help: 'Current memory clock.',
    definition: 'NVML current memory clock, converted from MHz to hertz.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_memory_clock_hertz',
    otel: 'gpu.clock.memory',
    semconv: false,
  },
  gpuEnergy: {
    kind: 'counter',
    unit: 'J',
    promUnit: 'joules',
    help: 'Energy the GPU consumed since the driver was last loaded.',
    definition:
      'NVML total energy consumption in joules (Volta and newer); resets when the driver reloads.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_energy_joules_total',
    otel: 'gpu.energy',
    semconv: false,
  },
  gpuFanSpeed: {
    kind: 'gauge',
    unit: '1',
    promUnit: 'ratio',
    help: 'Fan speed as a fraction of its maximum; can exceed 1.',
    definition:
      'NVML fan speed (intended speed, percent / 100); absent on passively cooled boards, which have no fan.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_fan_speed_ratio',
    otel: 'gpu.fan.speed',
    semconv: false,
  },
  gpuPcieThroughput: {
    kind: 'gauge',
    unit: 'By/s',
    promUnit: 'bytes_per_second',
    help: 'PCIe throughput by direction (tx: GPU to host, rx: host to GPU).',
    definition:
      'NVML PCIe throughput over a 20 ms window, KB/s converted to bytes/s; opt-in, each read blocks the sampler thread 20 ms.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name', 'direction'],
    prometheus: 'gpu_pcie_throughput_bytes_per_second',
    otel: 'gpu.pcie.throughput',
    semconv: false,
  },
  gpuProcessMemory: {
    kind: 'gauge',
    unit: 'By',
    promUnit: 'bytes',
    help: 'Device memory used by one compute process.',
    definition:
      'NVML running compute processes: used memory per host pid (this process only, unless all processes are asked for).',
    scope: 'none',
    labels: ['gpu', 'uuid', 'pid'],
    prometheus: 'gpu_process_memory_bytes',
    otel: 'gpu.process.memory.usage',
    semconv: false,
  },
  gpuMigMode: {
    kind: 'gauge',
    unit: '1',
    promUnit: '',
    help: 'Whether MIG (multi-instance GPU) mode is enabled: 1 or 0.',
    definition:
      'NVML current MIG mode; absent on GPUs without MIG. With MIG on, whole-GPU utilization is not reported.',
    scope: 'none',
    labels: ['gpu', 'uuid', 'name'],
    prometheus: 'gpu_mig_mode',
    otel: 'gpu.mig.mode',
    semconv: false,
  },
  gpuDriverInfo: {
    kind: 'gauge',
    unit: '1',
    promUnit: '',
    help: 'NVIDIA driver and NVML versions; the value is always 1.',
    definition: 'An info series carrying the driver and NVML library versions as labels.',
    scope: 'none',
    labels: ['driver_version', 'nvml_version'],
    prometheus: 'gpu_driver_info',
    otel: 'gpu.driver.info',
    semconv: false,
  },
  nvmlUp: {
    kind: 'gauge',
    unit: '1',
    promUnit: '',
    help: 'Whether the NVML source sampled its GPUs in its last attempt: 1 or 0, with a reason when 0.',
    definition:
      '0 with reason starting, library_not_found, driver_not_loaded, no_permission, no_gpu, init_failed, gpu_lost, stuck, sample_failed, addon_unavailable or unsupported_platform; the app keeps running and init is retried with backoff.',
    scope: 'none',
    labels: ['reason'],
    prometheus: 'inferlens_nvml_up',
    otel: 'inferlens.nvml.up',
    semconv: false,
  },
  nvmlLastSuccess: {
    kind: 'gauge',
    unit: 's',
    promUnit: 'seconds',
    help: 'Unix time of the NVML source’s last successful sample.',
    definition:
      'Wall-clock seconds of the last sample that read every selected GPU; absent until one succeeds.',
    scope: 'none',
    labels: [],
    prometheus: 'inferlens_nvml_last_success_timestamp_seconds',
    otel: 'inferlens.nvml.last_success',
    semconv: false,
  },
  // DCGM-compatible rows (createGpuSource({ dcgmCompat: true })): the names, units and labels of
  // dcgm-exporter's default counters, so Grafana dashboard 12239 and its kin work unchanged.
  dcgmGpuTemp: {
    kind: 'gauge',
    unit: 'Cel',
    promUnit: '',
    help: 'GPU temperature (in C).',
    definition: 'dcgm-exporter DCGM_FI_DEV_GPU_TEMP: the same reading as gpu_temperature_celsius.',
    scope: 'none',
    labels: ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'],
    prometheus: 'DCGM_FI_DEV_GPU_TEMP',
    otel: 'DCGM_FI_DEV_GPU_TEMP',
    semconv: false,
  },
  dcgmPowerUsage: {
    kind: 'gauge',
    unit: 'W',
    promUnit: '',
    help: 'Power draw (in W).',
    definition: 'dcgm-exporter DCGM_FI_DEV_POWER_USAGE: watts, as gpu_power_draw_watts.',
    scope: 'none',
    labels: ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'],
    prometheus: 'DCGM_FI_DEV_POWER_USAGE',
    otel: 'DCGM_FI_DEV_POWER_USAGE',
    semconv: false,
  },
  dcgmSmClock: {
    kind: 'gauge',
    unit: 'MHz',
    promUnit: '',
    help: 'SM clock frequency (in MHz).',
    definition: 'dcgm-exporter DCGM_FI_DEV_SM_CLOCK: megahertz (dashboards multiply by 1e6).',
    scope: 'none',
    labels: ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'],
    prometheus: 'DCGM_FI_DEV_SM_CLOCK',
    otel: 'DCGM_FI_DEV_SM_CLOCK',
    semconv: false,
  },
  dcgmMemClock: {
    kind: 'gauge',
    unit: 'MHz',
    promUnit: '',
    help: 'Memory clock frequency (in MHz).',
    definition: 'dcgm-exporter DCGM_FI_DEV_MEM_CLOCK: megahertz.',
    scope: 'none',
    labels: ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'],
    prometheus: 'DCGM_FI_DEV_MEM_CLOCK',
    otel: 'DCGM_FI_DEV_MEM_CLOCK',
    semconv: false,
  },
  dcgmGpuUtil: {
    kind: 'gauge',
    unit: '%',
    promUnit: '',
    help: 'GPU utilization (in %).',
    definition: 'dcgm-exporter DCGM_FI_DEV_GPU_UTIL: percent, 0 to 100.',
    scope: 'none',
    labels: ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'],
    prometheus: 'DCGM_FI_DEV_GPU_UTIL',
    otel: 'DCGM_FI_DEV_GPU_UTIL',
    semconv: false,
  },
  dcgmMemCopyUtil: {
    kind: 'gauge',
    unit: '%',
    promUnit: '',
    help: 'Memory utilization (in %).',
    definition: 'dcgm-exporter DCGM_FI_DEV_MEM_COPY_UTIL: memory-controller busy percent.',
    scope: 'none',
    labels: ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'],
    prometheus: 'DCGM_FI_DEV_MEM_COPY_UTIL',
    otel: 'DCGM_FI_DEV_MEM_COPY_UTIL',
    semconv: false,
  },
  dcgmFbUsed: {
    kind: 'gauge',
    unit: 'MiBy',
    promUnit: '',
    help: 'Framebuffer memory used (in MiB).',
    definition: 'dcgm-exporter DCGM_FI_DEV_FB_USED: used device memory in whole MiB.',
    scope: 'none',
    labels: ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'],
    prometheus: 'DCGM_FI_DEV_FB_USED',
    otel: 'DCGM_FI_DEV_FB_USED',
    semconv: false,
  },
  dcgmFbFree: {
    kind: 'gauge',
    unit: 'MiBy',
    promUnit: '',
    help: 'Framebuffer memory free (in MiB).',
    definition: 'dcgm-exporter DCGM_FI_DEV_FB_FREE: free device memory in whole MiB.',
    scope: 'none',
    labels: ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'],
    prometheus: 'DCGM_FI_DEV_FB_FREE',
    otel: 'DCGM_FI_DEV_FB_FREE',
    semconv: false,
  },
  dcgmFbReserved: {
    kind: 'gauge',
    unit: 'MiBy',
    promUnit: '',
    help: 'Framebuffer memory reserved (in MiB).',
    definition:
      'dcgm-exporter DCGM_FI_DEV_FB_RESERVED: driver-reserved device memory in whole MiB.',
    scope: 'none',
    labels: ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'],
    prometheus: 'DCGM_FI_DEV_FB_RESERVED',
    otel: 'DCGM_FI_DEV_FB_RESERVED',
    semconv: false,
  },
  dcgmTotalEnergy: {
    // dcgm-exporter types it as a counter, but its name has no _total: typed as a counter it would
    // make our OpenMetrics output invalid. rate() and increase() read it the same either way.
    kind: 'gauge',
    unit: 'mJ',
    promUnit: '',
    help: 'Total energy consumption since boot (in mJ).',
    definition:
      'dcgm-exporter DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION: millijoules since driver load.',
    scope: 'none',
    labels: ['gpu', 'UUID', 'pci_bus_id', 'device', 'modelName', 'Hostname'],
    prometheus: 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION',
    otel: 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION',
    semconv: false,
  },
} as const satisfies Record<string, MetricDefinition>;

export type Schema = typeof schema;
export type MetricId = keyof Schema;

/** Labels that every `llm`-scope row carries first, in this order. */
export const LLM_LABELS = ['model_name', 'engine'] as const;

/** OTel attribute for each Prometheus label; labels not listed keep their name. */
export const OTEL_LABELS: Readonly<Record<string, string>> = {
  model_name: 'gen_ai.request.model',
  engine: 'gen_ai.provider.name',
  // Semconv only has gen_ai.response.finish_reasons, a string array on spans; ours is one value.
  finish_reason: 'llm.response.finish_reason',
  error_type: 'error.type',
  method: 'http.request.method',
  route: 'http.route',
  status: 'http.response.status_code',
  outcome: 'inferlens.http.outcome',
  // The hardware semconv requires hw.id on hw.gpu.* metrics; the NVML product name is the model.
  uuid: 'hw.id',
  name: 'hw.model',
};

/** Label names of a row, in exposition order (without the user's constant labels). */
export function labelNamesOf(def: MetricDefinition): readonly string[] {
  return def.scope === 'llm' ? [...LLM_LABELS, ...def.labels] : def.labels;
}

export const metricIds = Object.keys(schema) as MetricId[];
