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
