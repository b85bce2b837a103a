import { type MetricId, metricIds } from '@inferlens/core/internal';

/**
 * Why part of a scrape was skipped: the `reason` values of `inferlens_source_series_dropped_total`
 * (the one list; the type is read from it). A skip never fails the scrape: the rest is kept.
 */
export const DROP_REASONS = [
  'bad_line',
  'bad_value',
  'histogram_incomplete',
  'bucket_mismatch',
  'series_limit',
] as const;

/** One of {@link DROP_REASONS}. */
export type DropReason = (typeof DROP_REASONS)[number];

/** Counts of one scrape's skips by reason. */
export type Drops = Partial<Record<DropReason, number>>;

export function addDrop(drops: Drops, reason: DropReason, n = 1): void {
  if (n > 0) drops[reason] = (drops[reason] ?? 0) + n;
}

/**
 * The standard rows: the engine-neutral `llm_*` set every adapter maps onto. A target whose
 * scrape fills none of them is reported (`inferlens_source_standard_series` 0), whatever else
 * it exports. Engine-only rows (TGI's proxy, SGLang's hit rate) are not standard.
 */
export const STANDARD_ROWS: ReadonlySet<MetricId> = new Set<MetricId>([
  'requests',
  'requestErrors',
  'timeToFirstToken',
  'interTokenLatency',
  'timePerOutputToken',
  'e2eRequestLatency',
  'requestQueueTime',
  'requestPrefillTime',
  'requestDecodeTime',
  'requestInferenceTime',
  'promptTokens',
  'generationTokens',
  'promptTokensCached',
  'requestPromptTokens',
  'requestGenerationTokens',
  'prefixCacheQueries',
  'prefixCacheHits',
  'requestsRunning',
  'requestsWaiting',
  'kvCacheUsage',
  'preemptions',
  'iterationTokens',
  'batchSize',
  'modelLoadTime',
]);

/** Schema order of every row: the series limit keeps rows in this order after the standard ones. */
export const ROW_ORDER: ReadonlyMap<MetricId, number> = new Map(metricIds.map((id, i) => [id, i]));
