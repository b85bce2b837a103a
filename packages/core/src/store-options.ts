import { fail } from './errors.js';
import { DEFAULT_MAX_LABEL_VALUE_BYTES, MIN_MAX_LABEL_VALUE_BYTES } from './label-bound.js';
import { type ExtraLabels, LABEL_NAME, RESERVED_LABELS } from './labels.js';
import { labelNamesOf, type MetricId, SUMMARY_DEFAULTS, schema } from './schema/index.js';
import type { SummaryWindow } from './sketch.js';

declare const performance: { now(): number };

/** Default bound on one exposition, in characters: far below V8's string limit (2^29 − 24). */
export const DEFAULT_MAX_SCRAPE_LENGTH = 64 * 1024 * 1024;

/** A summary's window, replacing the schema row's (each field defaults to the row's value). */
export interface SummaryOptions {
  /** Quantiles to report, strictly increasing, each in (0, 1), e.g. `[0.5, 0.9, 0.99]`. */
  quantiles?: readonly number[];
  /** How far back the quantiles look, in whole seconds. */
  maxAgeSeconds?: number;
  /** Steps the window slides by (a whole number); more steps, a smoother window. */
  ageBuckets?: number;
}

export interface StoreOptions {
  /** Labels added to every series, e.g. `{ worker_id: 'w1' }`. */
  constLabels?: Readonly<Record<string, string>>;
  /** Bucket boundaries per metric, replacing the schema's. */
  buckets?: Partial<Record<MetricId, readonly number[]>>;
  /**
   * Bounds added to a metric's buckets (the schema's, or those of `buckets`), e.g.
   * `{ timeToFirstToken: [0.3] }` for a TTFT SLO at 300 ms: a latency SLO needs a bucket bound
   * exactly at its threshold.
   */
  extraBuckets?: Partial<Record<MetricId, readonly number[]>>;
  /**
   * Longest label value kept, in UTF-8 bytes (default 256). A longer value is cut to fit, ending
   * with `…[cut]`, and counted in `inferlens_events_dropped_total{reason="label_too_long"}`.
   */
  maxLabelValueBytes?: number;
  /**
   * Longest exposition `render()` and `scrape()` write, in characters (default 64 MiB). Past it,
   * the remaining series are left out and counted in
   * `inferlens_events_dropped_total{reason="scrape_too_large"}`: a scrape degrades, never throws.
   */
  maxScrapeLength?: number;
  /** Distinct label sets a metric keeps before new ones fold into its overflow series. */
  seriesLimit?: number | Partial<Record<MetricId | 'default', number>>;
  /**
   * Label names appended to a metric's own labels (before the constant labels), e.g.
   * `{ httpRequests: ['tenant'] }`. A series leaves a label it has no value for out, so code that
   * does not know the label records as before.
   */
  extraLabels?: ExtraLabels;
  /** Quantile window per summary metric, e.g. `{ httpRequestDurationSummary: { maxAgeSeconds: 60 } }`. */
  summaries?: Partial<Record<MetricId, SummaryOptions>>;
  /** Monotonic milliseconds; `performance.now()` by default. Summaries' windows run on it. */
  clock?: () => number;
}

/** Options checked and filled in, as the store builds its families from them. */
export interface ResolvedStoreOptions {
  constLabels: Readonly<Record<string, string>>;
  limits: Partial<Record<string, number>>;
  buckets: Partial<Record<MetricId, readonly number[]>>;
  extraLabels: ExtraLabels;
  summaries: Partial<Record<MetricId, SummaryWindow>>;
  maxLabelValueBytes: number;
  maxScrapeLength: number;
}

/** Checks every option, failing loudly with the option's name; returns them ready to use. */
export function resolveStoreOptions(options: StoreOptions): ResolvedStoreOptions {
  const constLabels = { ...(options.constLabels ?? {}) };
  validateConstLabels(constLabels);
  const limits = normalizeLimits(options.seriesLimit);
  const buckets: Partial<Record<MetricId, readonly number[]>> = { ...(options.buckets ?? {}) };
  for (const id of Object.keys(buckets)) {
    histogramId('buckets', id);
    validateBuckets('buckets', id, buckets[id as MetricId]!);
  }
  const extra = options.extraBuckets ?? {};
  if (typeof extra !== 'object' || extra === null)
    fail('extraBuckets: give an object of metric id -> bounds to add');
  for (const [id, add] of Object.entries(extra)) {
    const def = histogramId('extraBuckets', id);
    if (!Array.isArray(add) || add.some((b) => typeof b !== 'number' || !Number.isFinite(b)))
      fail(`extraBuckets.${id}: give an array of finite numbers (+Inf is implied)`);
    const base = buckets[def] ?? (schema[def] as { buckets: readonly number[] }).buckets;
    buckets[def] = [...new Set([...base, ...add])].sort((a, b) => a - b);
  }
  const extraLabels = options.extraLabels ?? {};
  if (typeof extraLabels !== 'object' || extraLabels === null)
    fail('extraLabels: give an object of metric id -> label names');
  for (const id of Object.keys(extraLabels))
    if (!(id in schema)) fail(`extraLabels: unknown metric id "${id}"`);
  if (options.clock !== undefined && typeof options.clock !== 'function')
    fail('clock: must be a function returning milliseconds');
  const clock = options.clock ?? (() => performance.now());
  const maxLabelValueBytes = options.maxLabelValueBytes ?? DEFAULT_MAX_LABEL_VALUE_BYTES;
  if (!Number.isInteger(maxLabelValueBytes) || maxLabelValueBytes < MIN_MAX_LABEL_VALUE_BYTES)
    fail(`maxLabelValueBytes: must be an integer of at least ${MIN_MAX_LABEL_VALUE_BYTES}`);
  const maxScrapeLength = options.maxScrapeLength ?? DEFAULT_MAX_SCRAPE_LENGTH;
  if (!Number.isInteger(maxScrapeLength) || maxScrapeLength < 1024)
    fail('maxScrapeLength: must be an integer of at least 1024 (characters)');
  return {
    maxLabelValueBytes,
    maxScrapeLength,
    constLabels: Object.freeze(constLabels),
    limits,
    buckets,
    extraLabels,
    summaries: summaryWindows(options.summaries ?? {}, clock),
  };
}

/** Every summary row's window: the row's settings, then the options given for it. */
function summaryWindows(
  given: Partial<Record<MetricId, SummaryOptions>>,
  clock: () => number,
): Partial<Record<MetricId, SummaryWindow>> {
  if (typeof given !== 'object' || given === null)
    fail('summaries: give an object of metric id -> { quantiles, maxAgeSeconds, ageBuckets }');
  for (const id of Object.keys(given)) {
    if (!(id in schema)) fail(`summaries: unknown metric id "${id}"`);
    if (schema[id as MetricId].kind !== 'summary') fail(`summaries: "${id}" is not a summary`);
  }
  const out: Partial<Record<MetricId, SummaryWindow>> = {};
  for (const id of Object.keys(schema) as MetricId[]) {
    const def = schema[id];
    if (def.kind !== 'summary') continue;
    const o = given[id] ?? {};
    const quantiles = o.quantiles ?? def.quantiles ?? SUMMARY_DEFAULTS.quantiles;
    const maxAgeSeconds = o.maxAgeSeconds ?? def.maxAgeSeconds ?? SUMMARY_DEFAULTS.maxAgeSeconds;
    const ageBuckets = o.ageBuckets ?? def.ageBuckets ?? SUMMARY_DEFAULTS.ageBuckets;
    if (!Array.isArray(quantiles) || quantiles.length === 0)
      fail(`summaries.${id}.quantiles: give at least one quantile`);
    for (let i = 0; i < quantiles.length; i++) {
      const q = quantiles[i];
      if (typeof q !== 'number' || !(q > 0 && q < 1))
        fail(`summaries.${id}.quantiles: each must be a number between 0 and 1 (exclusive)`);
      if (i > 0 && q <= quantiles[i - 1]!)
        fail(`summaries.${id}.quantiles: must be strictly increasing`);
    }
    for (const [name, v] of [
      ['maxAgeSeconds', maxAgeSeconds],
      ['ageBuckets', ageBuckets],
    ] as const)
      if (!Number.isInteger(v) || v < 1)
        fail(`summaries.${id}.${name}: must be a positive integer`);
    out[id] = Object.freeze({
      quantiles: Object.freeze([...quantiles]),
      maxAgeSeconds,
      ageBuckets,
      slotMs: (maxAgeSeconds * 1000) / ageBuckets,
      clock,
    });
  }
  return out;
}

function validateConstLabels(labels: Record<string, string>): void {
  const reserved = new Set<string>(RESERVED_LABELS);
  for (const def of Object.values(schema)) for (const l of labelNamesOf(def)) reserved.add(l);
  const bad: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL_NAME.test(k) || k.startsWith('__')) bad.push(`"${k}" is not a valid label name`);
    else if (reserved.has(k)) bad.push(`"${k}" is reserved by the schema`);
    if (typeof v !== 'string') bad.push(`"${k}" must have a string value`);
  }
  if (bad.length) fail(`constLabels: ${bad.join('; ')}`);
}

/** `id` as a histogram's metric id, or a failure naming the option. */
function histogramId(option: string, id: string): MetricId {
  if (!(id in schema)) fail(`${option}: unknown metric id "${id}"`);
  if (schema[id as MetricId].kind !== 'histogram') fail(`${option}: "${id}" is not a histogram`);
  return id as MetricId;
}

function validateBuckets(option: string, id: string, bounds: readonly number[]): void {
  if (!Array.isArray(bounds) || bounds.length === 0)
    fail(`${option}.${id}: give at least one bound`);
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i]!;
    if (typeof b !== 'number' || !Number.isFinite(b))
      fail(`${option}.${id}: bounds must be finite numbers (+Inf is implied)`);
    if (i > 0 && b <= bounds[i - 1]!) fail(`${option}.${id}: bounds must be strictly increasing`);
  }
}

function normalizeLimits(limit: StoreOptions['seriesLimit']): Partial<Record<string, number>> {
  const limits: Partial<Record<string, number>> =
    typeof limit === 'number' ? { default: limit } : { ...(limit ?? {}) };
  for (const [k, v] of Object.entries(limits)) {
    if (k !== 'default' && !(k in schema)) fail(`seriesLimit: unknown metric id "${k}"`);
    if (!Number.isInteger(v) || (v as number) < 1)
      fail(`seriesLimit.${k}: must be a positive integer`);
  }
  return limits;
}
