import type { MetricId } from '@inferlens/core';
import type { MixinConfig } from './config.js';
import {
  by,
  copyLabel,
  defaultLabel,
  finite,
  metric,
  type RecordingRule,
  type RuleGroup,
  rated,
  sel,
  setLabel,
} from './promql.js';

/**
 * The recorded series every dashboard, alert and SLO reads. Three levels, named
 * `level:metric:operation` as Prometheus recommends:
 *
 * - `model:` one series per `aggregateBy` label set (namespace, job, model, engine, vantage);
 * - `instance:` one per worker (`aggregateBy` plus `instanceLabels`), for gauges;
 * - `job_route:` HTTP series per job and route.
 *
 * The same recorded names are written from inferlens's standard series (an instrumented app, or the
 * gateway that mirrors engines) and from vLLM's, TGI's, SGLang's and llama.cpp's native series
 * scraped straight from their pods, so one dashboard serves every setup.
 */
export const HISTOGRAMS = [
  'timeToFirstToken',
  'interTokenLatency',
  'timePerOutputToken',
  'e2eRequestLatency',
  'requestQueueTime',
  'requestPrefillTime',
  'requestDecodeTime',
  'batchSize',
  'iterationTokens',
] as const satisfies readonly MetricId[];

export const COUNTERS = [
  'requests',
  'requestErrors',
  'promptTokens',
  'generationTokens',
  'promptTokensCached',
  'prefixCacheQueries',
  'prefixCacheHits',
  'preemptions',
] as const satisfies readonly MetricId[];

export const GAUGES = [
  'requestsRunning',
  'requestsWaiting',
  'kvCacheUsage',
] as const satisfies readonly MetricId[];

export type RecordedHistogram = (typeof HISTOGRAMS)[number];
export type RecordedCounter = (typeof COUNTERS)[number];
export type RecordedGauge = (typeof GAUGES)[number];

/** Quantiles recorded for the latency histograms the alerts read. */
export const RECORDED_QUANTILES = [0.5, 0.95, 0.99] as const;
export const QUANTILE_HISTOGRAMS = [
  'timeToFirstToken',
  'interTokenLatency',
  'timePerOutputToken',
  'e2eRequestLatency',
  'requestQueueTime',
] as const satisfies readonly RecordedHistogram[];

/** Names of recorded series, by what they hold; `w` is the rate window (`5m`). */
export const recorded = {
  /** `model:llm_requests:rate5m` and the other counters' rates. */
  rate: (id: RecordedCounter, w: string) => `model:${rated(id)}:rate${w}`,
  /** `model:llm_time_to_first_token_seconds_bucket:rate5m` (`_bucket`, `_sum`, `_count`). */
  histogram: (id: RecordedHistogram, part: 'bucket' | 'sum' | 'count', w: string) =>
    `model:${metric(id)}_${part}:rate${w}`,
  /** `model_quantile:llm_time_to_first_token_seconds:histogram_quantile_rate5m{quantile="0.95"}`. */
  quantile: (id: RecordedHistogram, w: string) =>
    `model_quantile:${metric(id)}:histogram_quantile_rate${w}`,
  /** `instance:llm_requests_waiting:sum` (KV usage: `:max`). */
  gauge: (id: RecordedGauge) => `instance:${metric(id)}:${id === 'kvCacheUsage' ? 'max' : 'sum'}`,
  errorRatio: (w: string) => `model:llm_request_error:ratio_rate${w}`,
  prefixHitRatio: (w: string) => `model:llm_prefix_cache_hit:ratio_rate${w}`,
  tokenPrice: 'model:llm_token_price_usd:per_million',
  cost: (w: string) => `model:llm_cost_usd:rate${w}`,
  costPerMillion: (w: string) => `model:llm_cost_usd_per_million_tokens:ratio_rate${w}`,
  httpRequests: (w: string) => `job_route:http_requests:rate${w}`,
  httpHistogram: (
    id: 'httpRequestDuration' | 'httpTimeToFirstByte' | 'httpResponseSize' | 'httpRequestSize',
    part: 'bucket' | 'sum' | 'count',
    w: string,
  ) => `job_route:${metric(id)}_${part}:rate${w}`,
  httpErrorRatio: (w: string) => `job_route:http_request_error:ratio_rate${w}`,
  gpuMemoryRatio: 'instance_gpu:gpu_memory_used:ratio',
  gpuPower: (w: string) => `instance:gpu_energy_joules:rate${w}`,
  instanceTokens: (w: string) => `instance:llm_generation_tokens:rate${w}`,
  energyPerToken: (w: string) => `instance:llm_generation_energy:joules_per_token_rate${w}`,
  tokensPerJoule: (w: string) => `instance:llm_generation_tokens:per_joule_rate${w}`,
} as const;

/**
 * vLLM's native names per standard row, current spelling first (V1 since 0.11, then V0 and the
 * 0.9–0.10 spellings). `or` keeps the first that a server exports, so versions exporting both do
 * not count twice. Facts: docs/engines.md.
 */
const VLLM_COUNTERS: Partial<Record<RecordedCounter, string[]>> = {
  promptTokens: ['vllm:prompt_tokens_total'],
  generationTokens: ['vllm:generation_tokens_total'],
  promptTokensCached: ['vllm:prompt_tokens_cached_total'],
  prefixCacheQueries: ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total'],
  prefixCacheHits: ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'],
  preemptions: ['vllm:num_preemptions_total'],
};
const VLLM_HISTOGRAMS: Partial<Record<RecordedHistogram, string[]>> = {
  timeToFirstToken: ['vllm:time_to_first_token_seconds'],
  interTokenLatency: ['vllm:inter_token_latency_seconds', 'vllm:time_per_output_token_seconds'],
  timePerOutputToken: ['vllm:request_time_per_output_token_seconds'],
  e2eRequestLatency: ['vllm:e2e_request_latency_seconds'],
  requestQueueTime: ['vllm:request_queue_time_seconds'],
  requestPrefillTime: ['vllm:request_prefill_time_seconds'],
  requestDecodeTime: ['vllm:request_decode_time_seconds'],
  iterationTokens: ['vllm:iteration_tokens_total'],
};
const VLLM_GAUGES: Record<RecordedGauge, string[]> = {
  requestsRunning: ['vllm:num_requests_running'],
  requestsWaiting: ['vllm:num_requests_waiting'],
  kvCacheUsage: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
};
const VLLM_SUCCESS = 'vllm:request_success_total';

/**
 * TGI's names (its exporter writes counters without `_total`; the `_total` spelling is read too,
 * for intermediaries that add it). TGI has no model label: the model is `unknown` unless the scrape
 * config adds `model_name`.
 */
const TGI_SUCCESS = ['tgi_request_success', 'tgi_request_success_total'];
const TGI_FAILURE = ['tgi_request_failure', 'tgi_request_failure_total'];
const TGI_COUNTER_SUMS: Partial<Record<RecordedCounter, string>> = {
  promptTokens: 'tgi_request_input_length_sum',
  generationTokens: 'tgi_request_generated_tokens_sum',
};
const TGI_HISTOGRAMS: Partial<Record<RecordedHistogram, string>> = {
  e2eRequestLatency: 'tgi_request_duration',
  requestQueueTime: 'tgi_request_queue_duration',
  // Inference time over generated tokens: prefill included, so TPOT-like, not an ITL.
  timePerOutputToken: 'tgi_request_mean_time_per_token_duration',
};
const TGI_GAUGES: Partial<Record<RecordedGauge, string>> = {
  requestsRunning: 'tgi_batch_current_size',
  requestsWaiting: 'tgi_queue_size',
};

/**
 * SGLang's names (docs/engines.md): current spelling first. Its scheduler reports each series once
 * per tensor-parallel rank with the same value, so every SGLang part takes the max over ranks
 * before summing data-parallel ranks; the first layouts label the model `name`.
 */
const SGLANG_COUNTERS: Partial<Record<RecordedCounter, string[]>> = {
  promptTokens: ['sglang:prompt_tokens_total'],
  generationTokens: ['sglang:generation_tokens_total'],
  // Retraction is SGLang's word for preemption.
  preemptions: ['sglang:num_retracted_requests_total'],
  promptTokensCached: ['sglang:cached_tokens_total'],
  prefixCacheHits: ['sglang:cached_tokens_total'],
};
const SGLANG_REQUESTS = 'sglang:num_requests_total';
const SGLANG_HISTOGRAMS: Partial<Record<RecordedHistogram, string[]>> = {
  timeToFirstToken: ['sglang:time_to_first_token_seconds'],
  interTokenLatency: ['sglang:inter_token_latency_seconds', 'sglang:time_per_output_token_seconds'],
  e2eRequestLatency: ['sglang:e2e_request_latency_seconds'],
  requestQueueTime: ['sglang:queue_time_seconds'],
};
const SGLANG_GAUGES: Record<RecordedGauge, string[]> = {
  requestsRunning: ['sglang:num_running_reqs', 'sglang:num_requests_running'],
  requestsWaiting: ['sglang:num_queue_reqs', 'sglang:num_requests_waiting'],
  // Used KV tokens over the KV token pool.
  kvCacheUsage: ['sglang:token_usage'],
};

/**
 * llama.cpp server's names (`--metrics`; no labels at all, so the model is `unknown` unless the
 * scrape config adds `model_name`). Its prompt counter leaves out the cached part, which newer
 * builds count on their own: the standard row counts both.
 */
const LLAMACPP_PROMPT = 'llamacpp:prompt_tokens_total';
const LLAMACPP_CACHED = 'llamacpp:prompt_tokens_cached_total';
const LLAMACPP_GAUGES: Record<RecordedGauge, string> = {
  requestsRunning: 'llamacpp:requests_processing',
  requestsWaiting: 'llamacpp:requests_deferred',
  // Removed from the server in mid-2025.
  kvCacheUsage: 'llamacpp:kv_cache_usage_ratio',
};

/** Everything a rule builder needs from the config, worked out once. */
export interface Context {
  c: MixinConfig;
  w: string;
  /** Raw-series matchers (the config's `selector`). */
  s: string;
  agg: string[];
  inst: string[];
}

export function context(c: MixinConfig): Context {
  return {
    c,
    w: c.rateWindow,
    s: c.selector,
    agg: c.aggregateBy,
    inst: [...c.aggregateBy, ...c.instanceLabels.filter((l) => !c.aggregateBy.includes(l))],
  };
}

const rate = (name: string, x: Context, ...m: string[]) => `rate(${sel(name, x.s, ...m)}[${x.w}])`;
/** `a or b or …`: the first spelling a server has. */
const either = (names: string[], f: (name: string) => string) => names.map(f).join(' or ');
const asVllm = (expr: string) => setLabel(expr, 'engine', 'vllm');
const asLlamacpp = (expr: string) =>
  defaultLabel(setLabel(expr, 'engine', 'llamacpp'), 'model_name', 'unknown');
/** SGLang: the model from `model_name` or the first layouts' `name`, tensor-parallel copies once. */
const asSglang = (expr: string, x: Context, extra: string[] = []) =>
  `max ${by([...x.inst, 'dp_rank', ...extra])} (${setLabel(`label_replace(${expr}, "model_name", "$1", "name", "(.+)")`, 'engine', 'sglang')})`;
const asTgi = (expr: string) =>
  defaultLabel(setLabel(expr, 'engine', 'tgi'), 'model_name', 'unknown');

function counterRules(x: Context): RecordedRule[] {
  const out: RecordedRule[] = [];
  for (const id of COUNTERS) {
    const record = recorded.rate(id, x.w);
    const extra =
      id === 'requests' ? ['finish_reason'] : id === 'requestErrors' ? ['error_type'] : [];
    const keep = by([...x.agg, ...extra]);
    out.push({ record, expr: `sum ${keep} (${rate(metric(id), x)})`, source: 'inferlens' });
    const v = VLLM_COUNTERS[id];
    if (x.c.engines.vllm && v)
      out.push({
        record,
        expr: `sum ${keep} (${asVllm(`(${either(v, (n) => rate(n, x))})`)})`,
        source: 'vllm',
      });
    const t = TGI_COUNTER_SUMS[id];
    if (x.c.engines.tgi && t)
      out.push({ record, expr: `sum ${keep} (${asTgi(rate(t, x))})`, source: 'tgi' });
    const g = SGLANG_COUNTERS[id];
    if (x.c.engines.sglang && g)
      out.push({
        record,
        expr: `sum ${keep} (${asSglang(`(${either(g, (n) => rate(n, x))})`, x)})`,
        source: 'sglang',
      });
    const l = llamacppCounter(id, x);
    if (x.c.engines.llamacpp && l)
      out.push({ record, expr: `sum ${keep} (${asLlamacpp(l)})`, source: 'llamacpp' });
  }
  if (x.c.engines.sglang) {
    // Prefix-cache queries are the prompt tokens of a layout that counts cached tokens at all.
    const queries = `${rate('sglang:prompt_tokens_total', x)} and on (job, instance) ${rate('sglang:cached_tokens_total', x)}`;
    out.push({
      record: recorded.rate('prefixCacheQueries', x.w),
      expr: `sum ${by(x.agg)} (${asSglang(`(${queries})`, x)})`,
      source: 'sglang',
    });
  }
  const requests = recorded.rate('requests', x.w);
  const keep = by([...x.agg, 'finish_reason']);
  if (x.c.engines.vllm)
    out.push({
      record: requests,
      expr: `sum ${keep} (${asVllm(copyLabel(rate(VLLM_SUCCESS, x), 'finish_reason', 'finished_reason'))})`,
      source: 'vllm',
    });
  if (x.c.engines.tgi) {
    // TGI does not say why a request succeeded; "dropped" failures are the client going away.
    const ok = setLabel(`(${either(TGI_SUCCESS, (n) => rate(n, x))})`, 'finish_reason', 'unknown');
    const failed = `label_replace(${setLabel(`(${either(TGI_FAILURE, (n) => rate(n, x))})`, 'finish_reason', 'error')}, "finish_reason", "abort", "err", "dropped")`;
    out.push({
      record: requests,
      expr: `sum ${keep} (${asTgi(`(${ok} or ${failed})`)})`,
      source: 'tgi',
    });
    out.push({
      record: recorded.rate('requestErrors', x.w),
      expr: `sum ${by([...x.agg, 'error_type'])} (${asTgi(copyLabel(`(${either(TGI_FAILURE, (n) => rate(n, x, 'err!="dropped"'))})`, 'error_type', 'err'))})`,
      source: 'tgi',
    });
  }
  if (x.c.engines.sglang)
    out.push({
      record: requests,
      // SGLang counts finished requests without saying why they ended.
      expr: `sum ${keep} (${asSglang(setLabel(rate(SGLANG_REQUESTS, x), 'finish_reason', 'unknown'), x, ['finish_reason'])})`,
      source: 'sglang',
    });
  return out;
}

/** llama.cpp's expression for a counter row, if it has one. */
function llamacppCounter(id: RecordedCounter, x: Context): string | undefined {
  const prompt = rate(LLAMACPP_PROMPT, x);
  const cached = rate(LLAMACPP_CACHED, x);
  switch (id) {
    case 'generationTokens':
      return rate('llamacpp:tokens_predicted_total', x);
    case 'promptTokens':
    case 'prefixCacheQueries':
      // Builds before the cached counter know only the evaluated part.
      return id === 'promptTokens'
        ? `(${prompt} + ${cached} or ${prompt})`
        : `(${prompt} + ${cached})`;
    case 'promptTokensCached':
    case 'prefixCacheHits':
      return cached;
    default:
      return undefined;
  }
}

function histogramRules(x: Context): RecordedRule[] {
  const out: RecordedRule[] = [];
  for (const id of HISTOGRAMS)
    for (const part of ['bucket', 'sum', 'count'] as const) {
      const record = recorded.histogram(id, part, x.w);
      const keep = by(part === 'bucket' ? [...x.agg, 'le'] : x.agg);
      out.push({
        record,
        expr: `sum ${keep} (${rate(`${metric(id)}_${part}`, x)})`,
        source: 'inferlens',
      });
      const v = VLLM_HISTOGRAMS[id];
      if (x.c.engines.vllm && v)
        out.push({
          record,
          expr: `sum ${keep} (${asVllm(`(${either(v, (n) => rate(`${n}_${part}`, x))})`)})`,
          source: 'vllm',
        });
      const t = TGI_HISTOGRAMS[id];
      if (x.c.engines.tgi && t)
        out.push({
          record,
          expr: `sum ${keep} (${asTgi(rate(`${t}_${part}`, x))})`,
          source: 'tgi',
        });
      const g = SGLANG_HISTOGRAMS[id];
      if (x.c.engines.sglang && g)
        out.push({
          record,
          expr: `sum ${keep} (${asSglang(`(${either(g, (n) => rate(`${n}_${part}`, x))})`, x, part === 'bucket' ? ['le'] : [])})`,
          source: 'sglang',
        });
    }
  return out;
}

function gaugeRules(x: Context): RecordedRule[] {
  const out: RecordedRule[] = [];
  for (const id of GAUGES) {
    const record = recorded.gauge(id);
    // Data-parallel ranks of one server add up (requests) or the fullest one counts (KV cache).
    const op = id === 'kvCacheUsage' ? 'max' : 'sum';
    const keep = by(x.inst);
    out.push({ record, expr: `${op} ${keep} (${sel(metric(id), x.s)})`, source: 'inferlens' });
    if (x.c.engines.vllm)
      out.push({
        record,
        expr: `${op} ${keep} (${asVllm(`(${either(VLLM_GAUGES[id], (n) => sel(n, x.s))})`)})`,
        source: 'vllm',
      });
    const t = TGI_GAUGES[id];
    if (x.c.engines.tgi && t)
      out.push({ record, expr: `${op} ${keep} (${asTgi(sel(t, x.s))})`, source: 'tgi' });
    if (x.c.engines.sglang)
      out.push({
        record,
        expr: `${op} ${keep} (${asSglang(`(${either(SGLANG_GAUGES[id], (n) => sel(n, x.s))})`, x)})`,
        source: 'sglang',
      });
    if (x.c.engines.llamacpp)
      out.push({
        record,
        expr: `${op} ${keep} (${asLlamacpp(sel(LLAMACPP_GAUGES[id], x.s))})`,
        source: 'llamacpp',
      });
  }
  return out;
}

/** Ratios, quantiles, cost and energy, computed from the series recorded above. */
function derivedRules(x: Context): RecordedRule[] {
  const { w, agg } = x;
  const requests = recorded.rate('requests', w);
  const out: RecordedRule[] = [
    {
      record: recorded.errorRatio(w),
      // `or … * 0`: a model with no failed request has ratio 0, not no data.
      expr: finite(
        `(sum ${by(agg)} (${requests}{finish_reason="error"}) or sum ${by(agg)} (${requests}) * 0) / sum ${by(agg)} (${requests})`,
      ),
      source: 'derived',
    },
    {
      record: recorded.prefixHitRatio(w),
      expr: finite(
        `${recorded.rate('prefixCacheHits', w)} / ${recorded.rate('prefixCacheQueries', w)}`,
      ),
      source: 'derived',
    },
  ];
  for (const id of QUANTILE_HISTOGRAMS)
    for (const q of RECORDED_QUANTILES)
      out.push({
        record: recorded.quantile(id, w),
        expr: finite(`histogram_quantile(${q}, ${recorded.histogram(id, 'bucket', w)})`),
        labels: { quantile: String(q) },
        source: 'derived',
      });
  const prices = Object.entries(x.c.prices);
  for (const [model, p] of prices)
    for (const [type, v] of [
      ['input', p.input],
      ['output', p.output],
    ] as const)
      out.push({
        record: recorded.tokenPrice,
        expr: `vector(${v})`,
        labels: { model_name: model, token_type: type },
        source: 'config',
      });
  if (prices.length) {
    for (const [type, id] of [
      ['input', 'promptTokens'],
      ['output', 'generationTokens'],
    ] as const)
      out.push({
        record: recorded.cost(w),
        expr: `${recorded.rate(id, w)} * on (model_name) group_left () ${sel(recorded.tokenPrice, `token_type="${type}"`)} / 1e6`,
        labels: { token_type: type },
        source: 'derived',
      });
    out.push({
      record: recorded.costPerMillion(w),
      expr: finite(
        `sum ${by(agg)} (${recorded.cost(w)}) / (${recorded.rate('promptTokens', w)} + ${recorded.rate('generationTokens', w)}) * 1e6`,
      ),
      source: 'derived',
    });
  }
  return out;
}

function httpRules(x: Context): RecordedRule[] {
  const { w } = x;
  const keep = ['namespace', 'job', 'method', 'route'];
  const out: RecordedRule[] = [
    {
      record: recorded.httpRequests(w),
      expr: `sum ${by([...keep, 'status', 'outcome'])} (${rate(metric('httpRequests'), x)})`,
      source: 'inferlens',
    },
  ];
  for (const id of [
    'httpRequestDuration',
    'httpTimeToFirstByte',
    'httpResponseSize',
    'httpRequestSize',
  ] as const)
    for (const part of ['bucket', 'sum', 'count'] as const) {
      // Sizes are read as bytes per second and per request: their buckets are not needed.
      if (part === 'bucket' && (id === 'httpResponseSize' || id === 'httpRequestSize')) continue;
      out.push({
        record: recorded.httpHistogram(id, part, w),
        expr: `sum ${by(part === 'bucket' ? [...keep, 'le'] : keep)} (${rate(`${metric(id)}_${part}`, x)})`,
        source: 'inferlens',
      });
    }
  const reqs = recorded.httpRequests(w);
  const k = by(keep);
  out.push({
    record: recorded.httpErrorRatio(w),
    expr: finite(
      `(sum ${k} (${reqs}{status=~"5.."}) or sum ${k} (${reqs}) * 0) / sum ${k} (${reqs})`,
    ),
    source: 'derived',
  });
  return out;
}

function gpuRules(x: Context): RecordedRule[] {
  const { w } = x;
  const host = ['namespace', 'job', 'instance', 'pod'];
  return [
    {
      record: recorded.gpuMemoryRatio,
      expr: finite(`${sel(metric('gpuMemoryUsed'), x.s)} / ${sel(metric('gpuMemoryTotal'), x.s)}`),
      source: 'inferlens',
    },
    {
      record: recorded.gpuPower(w),
      expr: `sum ${by(host)} (${rate(metric('gpuEnergy'), x)})`,
      source: 'inferlens',
    },
    {
      record: recorded.instanceTokens(w),
      expr: `sum ${by(host)} (${rate(metric('generationTokens'), x)})`,
      source: 'inferlens',
    },
    {
      // Where GPU and LLM series come from the same process (one instance): joules per token.
      record: recorded.energyPerToken(w),
      expr: finite(`${recorded.gpuPower(w)} / ${recorded.instanceTokens(w)}`),
      source: 'derived',
    },
    {
      record: recorded.tokensPerJoule(w),
      expr: finite(`${recorded.instanceTokens(w)} / ${recorded.gpuPower(w)}`),
      source: 'derived',
    },
  ];
}

export type Source = 'inferlens' | 'vllm' | 'tgi' | 'sglang' | 'llamacpp' | 'derived' | 'config';

/** One way to compute a recorded series, and where its data comes from. */
export interface RecordedRule extends RecordingRule {
  source: Source;
}

/**
 * Rules that write the same series (one record, one set of rule labels) from different sources
 * become one rule, `a or b or c`: Prometheus lints two rules for one series as duplicates, and
 * `or` also keeps one copy where a target exports two spellings. `parts` keeps each source's
 * expression, so a test can ask every source for data.
 */
export function mergeRules(rules: RecordedRule[]): (RecordingRule & { parts: RecordedRule[] })[] {
  const byKey = new Map<string, RecordedRule[]>();
  for (const r of rules) {
    const key = `${r.record}${JSON.stringify(r.labels ?? {})}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  return [...byKey.values()].map((parts) => ({
    record: parts[0]!.record,
    expr: parts.length === 1 ? parts[0]!.expr : parts.map((p) => `(${p.expr})`).join('\nor\n'),
    ...(parts[0]!.labels ? { labels: parts[0]!.labels } : {}),
    parts,
  }));
}

/** A rule group with the parts of each merged rule (see {@link mergeRules}). */
export interface PlannedGroup {
  group: RuleGroup;
  rules: RecordedRule[];
}

/** Groups rules under `name`, merging same-series rules into one. */
export function planGroup(name: string, rules: RecordedRule[], interval?: string): PlannedGroup {
  return {
    rules,
    group: {
      name,
      ...(interval ? { interval } : {}),
      rules: mergeRules(rules).map(({ parts: _, ...r }) => r),
    },
  };
}

/** Every recording rule, in groups: the standard series first, then what is derived from them. */
export function recordingGroups(c: MixinConfig): PlannedGroup[] {
  const x = context(c);
  return [
    planGroup('inferlens-llm.rules', [...counterRules(x), ...histogramRules(x), ...gaugeRules(x)]),
    planGroup('inferlens-llm-derived.rules', derivedRules(x)),
    planGroup('inferlens-http.rules', httpRules(x)),
    planGroup('inferlens-gpu.rules', gpuRules(x)),
  ];
}
