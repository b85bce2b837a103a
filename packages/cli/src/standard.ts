import { type MetricId, schema } from '@inferlens/core/internal';
import {
  LLAMACPP_GAUGES,
  LLAMACPP_GENERATED,
  LLAMACPP_PROMPT,
  LLAMACPP_PROMPT_CACHED,
} from '@inferlens/llamacpp/internal';
import {
  SGLANG_CACHED_TOKENS,
  SGLANG_COUNTERS,
  SGLANG_GAUGES,
  SGLANG_HISTOGRAMS,
  SGLANG_REQUESTS,
} from '@inferlens/sglang/internal';
import { TGI_GAUGES, TGI_HISTOGRAMS, TGI_SUCCESS, TGI_TOKEN_SUMS } from '@inferlens/tgi/internal';
import {
  VLLM_COUNTERS,
  VLLM_GAUGES,
  VLLM_HISTOGRAMS,
  VLLM_REQUEST_SUCCESS,
} from '@inferlens/vllm/internal';

export type EngineKind = 'vllm' | 'tgi' | 'sglang' | 'llamacpp' | 'inferlens';

/** One standard row as an engine spells it: the names to look for, current spelling first. */
export interface StandardRow {
  id: MetricId;
  names: readonly string[];
}

const rows = (table: readonly (readonly [MetricId, string | readonly string[]])[]) =>
  table.map(([id, n]): StandardRow => ({ id, names: typeof n === 'string' ? [n] : n }));

/**
 * Each engine's names for the standard set, from the adapters' own tables (the names the gateway
 * and the mixin's rules read), so a name is never typed twice. `inferlens` is an app or gateway
 * that already speaks the standard `llm_*` names.
 */
export const STANDARD: Readonly<Record<EngineKind, readonly StandardRow[]>> = {
  vllm: [
    { id: 'requests', names: [VLLM_REQUEST_SUCCESS] },
    ...rows(VLLM_GAUGES),
    ...rows(VLLM_COUNTERS),
    ...rows(VLLM_HISTOGRAMS),
  ],
  tgi: [
    { id: 'requests', names: TGI_SUCCESS },
    ...rows(TGI_GAUGES),
    ...rows(TGI_HISTOGRAMS),
    ...rows(TGI_TOKEN_SUMS),
  ],
  sglang: [
    { id: 'requests', names: [SGLANG_REQUESTS] },
    { id: 'promptTokensCached', names: [SGLANG_CACHED_TOKENS] },
    ...rows(SGLANG_GAUGES),
    ...rows(SGLANG_COUNTERS),
    ...rows(SGLANG_HISTOGRAMS),
  ],
  llamacpp: [
    ...rows(LLAMACPP_GAUGES),
    { id: 'generationTokens', names: [LLAMACPP_GENERATED] },
    { id: 'promptTokens', names: [LLAMACPP_PROMPT] },
    { id: 'promptTokensCached', names: [LLAMACPP_PROMPT_CACHED] },
  ],
  inferlens: (Object.keys(schema) as MetricId[])
    .filter((id) => schema[id].scope === 'llm' && !/^llm_(tgi|sglang)_/.test(schema[id].prometheus))
    .map((id) => ({ id, names: [schema[id].prometheus] })),
};

/**
 * What a missing row costs, for the rows whose absence changes what an operator sees; any other
 * row leaves its dashboard panel empty.
 */
export const MISSING_MEANS: Partial<Record<MetricId, string>> = {
  requestErrors: 'no request has failed yet (the series appears with the first error)',
  requests: 'request rate, error ratio and the availability SLO have no data',
  timeToFirstToken: 'TTFT panels, the TTFT SLO and its burn-rate alerts have no data',
  interTokenLatency: 'ITL panels have no data; is the server streaming?',
  kvCacheUsage: 'KV-cache panels are empty and the KV-cache alerts can never fire',
  prefixCacheHits:
    'no prefix-cache series: is prefix caching enabled (vLLM --enable-prefix-caching)?',
  prefixCacheQueries:
    'no prefix-cache series: is prefix caching enabled (vLLM --enable-prefix-caching)?',
  promptTokensCached: 'cached prompt tokens unknown: no prefix-cache view of savings',
  requestsWaiting: 'queue depth unknown: the saturation alert cannot fire',
  requestsRunning: 'running requests unknown: batch occupancy panels are empty',
  preemptions: 'preemptions unknown: KV-cache pressure shows only as latency',
  generationTokens: 'token throughput and cost panels have no data',
  promptTokens: 'prompt-token throughput and cost panels have no data',
  requestQueueTime: 'queue time unknown: cannot tell queueing from slow prefill',
};

/** How a standard row's names show up among a scrape's sample names. */
export function presentName(
  row: StandardRow,
  sampleNames: ReadonlySet<string>,
): string | undefined {
  return row.names.find((n) =>
    ['', '_total', '_bucket', '_count'].some((suffix) => sampleNames.has(n + suffix)),
  );
}

/** The standard prom name of a row (`llm_time_to_first_token_seconds`). */
export const standardName = (id: MetricId): string => schema[id].prometheus;
