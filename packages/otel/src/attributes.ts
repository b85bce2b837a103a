import {
  type Family,
  type MetricDefinition,
  type MirroredSeries,
  OTEL_LABELS,
  type Series,
} from '@inferlens/core/internal';
import type { Attributes } from '@opentelemetry/api';

/**
 * Set (to `true`) on the series that collects label sets past a metric's series limit, as
 * sdk-metrics does, so a backend can tell the folded series from real ones.
 *
 * @example
 * const folded = point.attributes[OVERFLOW_ATTRIBUTE] === true;
 */
export const OVERFLOW_ATTRIBUTE = 'otel.metric.overflow';

/**
 * Required on every GenAI metric by the semconv (`chat`, `text_completion`, `embeddings`, …); the
 * producer's `operationName` option sets it.
 *
 * @example
 * const ttft = metrics.find((m) => m.descriptor.name === 'gen_ai.server.time_to_first_token');
 * ttft.dataPoints[0].attributes[OPERATION_ATTRIBUTE]; // 'chat'
 */
export const OPERATION_ATTRIBUTE = 'gen_ai.operation.name';

const REQUEST_MODEL = 'gen_ai.request.model';
const RESPONSE_MODEL = 'gen_ai.response.model';
const URL_SCHEME = 'url.scheme';

/** What the attributes of one family's series depend on beyond its labels. */
export interface AttributeContext {
  readonly operationName: string;
  /** `url.scheme` of `http.server.*` series that carry no `scheme` label. */
  readonly urlScheme: string;
  /**
   * The series were measured where the model ran (an engine, a model server), so the model they
   * name is the model that served: reported as `gen_ai.response.model` too. A client knows only
   * the model it asked for.
   */
  readonly served: boolean;
}

/**
 * Attributes the semconv types as int. Prometheus labels are strings, so these are converted back
 * when the value is an integer (`"200"` -> 200); anything else is passed on as it is.
 */
const INT_ATTRIBUTES: ReadonlySet<string> = new Set(['http.response.status_code']);

/**
 * Turns one family's Prometheus label values into OTel attributes. Label sets never change after a
 * series is created, so each series is mapped once and the object is reused at every collection;
 * the WeakMap forgets series the store removed.
 */
export class AttributeMapper {
  readonly #family: Family;
  /** `family.labelNames` the attribute names were mapped from; it changes when labels are added. */
  #mappedFrom: readonly string[] = [];
  #names: readonly string[] = [];
  readonly #constant: Readonly<Attributes>;
  readonly #constLabels: Readonly<Record<string, string>>;
  /** Whether `gen_ai.response.model` repeats `gen_ai.request.model` (see AttributeContext.served). */
  readonly #responseModel: boolean;
  readonly #cache = new WeakMap<Series | MirroredSeries, Attributes>();

  /** `name` is the OTel name the series are exported under, which decides the semconv attributes. */
  constructor(
    family: Family,
    name: string,
    context: AttributeContext,
    constLabels: Readonly<Record<string, string>>,
  ) {
    const def: MetricDefinition = family.def;
    this.#family = family;
    this.#constant = {
      ...(def.scope === 'llm' ? { [OPERATION_ATTRIBUTE]: context.operationName } : {}),
      // Required on http.server.*; a series' own `scheme` label, mapped after this, wins.
      ...(name.startsWith('http.server.') ? { [URL_SCHEME]: context.urlScheme } : {}),
      // Rows sharing one OTel name (input and output token usage) differ only by these.
      ...(def.otelAttributes ?? {}),
    };
    this.#constLabels = constLabels;
    this.#responseModel = context.served && name.startsWith('gen_ai.');
  }

  of(series: Series): Attributes {
    let attributes = this.#cache.get(series);
    if (attributes !== undefined) return attributes;
    attributes = { ...this.#constant };
    const values = series.labelValues;
    const names = this.#attributeNames();
    for (let i = 0; i < names.length; i++) {
      const value = values[i];
      // An empty value means "label not set", as in the text exposition (the overflow series
      // has every row label empty).
      if (value === undefined || value === '') continue;
      const name = names[i]!;
      attributes[name] = attributeValue(name, value);
    }
    if (series.overflow) attributes[OVERFLOW_ATTRIBUTE] = true;
    this.#served(attributes);
    this.#cache.set(series, attributes);
    return attributes;
  }

  /** A `response_model` label (a client told which model answered) is kept as it is. */
  #served(attributes: Attributes): void {
    const model = attributes[REQUEST_MODEL];
    if (this.#responseModel && model !== undefined && attributes[RESPONSE_MODEL] === undefined)
      attributes[RESPONSE_MODEL] = model;
  }

  /**
   * The family's label names as attributes: model_name -> gen_ai.request.model, engine ->
   * gen_ai.provider.name, …; extra and constant labels (tenant, worker_id, …) keep their names.
   * Mapped again only when the family gained labels (`addLabels` before its first series).
   */
  #attributeNames(): readonly string[] {
    const labelNames = this.#family.labelNames;
    if (labelNames !== this.#mappedFrom) {
      this.#names = labelNames.map((name) => OTEL_LABELS[name] ?? name);
      this.#mappedFrom = labelNames;
    }
    return this.#names;
  }

  /**
   * Attributes of a mirrored series: its own label pairs renamed as the store's are (`target` and
   * `dp_rank` have no OTel name and keep theirs), then the constant labels, as the store appends
   * them to mirrored series in the text exposition.
   */
  ofMirrored(series: MirroredSeries): Attributes {
    let attributes = this.#cache.get(series);
    if (attributes !== undefined) return attributes;
    attributes = { ...this.#constant };
    for (const [label, value] of series.labels) {
      if (value === '') continue;
      const name = OTEL_LABELS[label] ?? label;
      attributes[name] = attributeValue(name, value);
    }
    Object.assign(attributes, this.#constLabels);
    this.#served(attributes);
    this.#cache.set(series, attributes);
    return attributes;
  }
}

function attributeValue(name: string, value: string): string | number {
  return INT_ATTRIBUTES.has(name) && /^\d+$/.test(value) ? Number(value) : value;
}
