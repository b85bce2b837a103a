export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary';

/**
 * A summary's window when the row and `createLens({ summaries })` say nothing: prom-client's
 * sliding window (10 minutes in 5 steps) and the percentiles fastify-metrics documents.
 */
export const SUMMARY_DEFAULTS = {
  quantiles: [0.5, 0.9, 0.95, 0.99],
  maxAgeSeconds: 600,
  ageBuckets: 5,
} as const;

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
  /** Summaries: quantiles reported, increasing, in (0, 1) (default SUMMARY_DEFAULTS). */
  readonly quantiles?: readonly number[];
  /** Summaries: how far back the quantiles look, in seconds. */
  readonly maxAgeSeconds?: number;
  /** Summaries: steps the window slides by (the window covers (n−1)/n to all of maxAgeSeconds). */
  readonly ageBuckets?: number;
  /** Prometheus profile name (counters end in `_total`). */
  readonly prometheus: string;
  /** OTel profile name: GenAI semconv where one exists. */
  readonly otel: string;
  /**
   * OTel name when the lens measures as a client of the model (a gateway, an app timing an SDK's
   * stream), where `otel` names the server-side metric; `@inferlens/otel` picks it by vantage.
   */
  readonly otelClient?: string;
  /** Constant OTel attributes that tell rows sharing one OTel name apart. */
  readonly otelAttributes?: Readonly<Record<string, string>>;
  /** True when `otel` is an OTel semantic-convention name (GenAI, HTTP, hardware), false when it is ours. */
  readonly semconv: boolean;
  /** A gauge that OTel models as an UpDownCounter (in-flight counts): a non-monotonic sum. */
  readonly otelUpDown?: boolean;
}
