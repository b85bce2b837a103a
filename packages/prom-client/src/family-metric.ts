import {
  type Family,
  type MetricDefinition,
  type MirroredSeries,
  OVERFLOW_LABEL,
  type Series,
  type Store,
} from '@inferlens/core/internal';
import { mirroredSamples } from './mirrored.js';
import { familyKey, OPENMETRICS, type RegistryLike } from './registry.js';

type Labels = Record<string, string>;
type Aggregator = 'sum' | 'average' | 'max';

/** One sample as prom-client's registry reads it; `metricName` names histogram sub-series. */
export interface SampleValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** What prom-client's `metric.get()` returns (and `getMetricsAsJSON()` collects). */
export interface MetricSnapshot {
  name: string;
  help: string;
  type: MetricDefinition['kind'];
  values: SampleValue[];
  aggregator: Aggregator;
}

/** Label objects of one series, built on first scrape and kept as long as the series lives. */
const labelCache = new WeakMap<Series | MirroredSeries, Labels>();

/**
 * One schema family dressed as a prom-client metric. It holds no values: `get()` runs the lens's
 * collect hooks and reads the store (its own series, then the mirrored series of engine sources),
 * so the registry always shows what the lens has now.
 *
 * @example
 * registerLens(lens, register); // one FamilyMetric per schema family, in `register`
 * const ttft = register.getSingleMetric('llm_time_to_first_token_seconds');
 */
export class FamilyMetric {
  readonly help: string;
  readonly type: MetricDefinition['kind'];
  /** How `AggregatorRegistry` (cluster mode) folds the workers' values. */
  readonly aggregator: Aggregator;
  readonly #family: Family;
  readonly #store: Store;
  readonly #fullName: string;
  readonly #registry: RegistryLike;
  readonly #collect: () => Promise<void>;
  #openMetricsNext = false;

  constructor(family: Family, registry: RegistryLike, collect: () => Promise<void>, store: Store) {
    const def = family.def;
    this.#family = family;
    this.#store = store;
    this.#fullName = def.prometheus;
    this.#registry = registry;
    this.#collect = collect;
    this.help = def.help;
    this.type = def.kind;
    this.aggregator = aggregatorFor(def);
  }

  /** The family's label names now: extra labels a middleware adds later show up here too. */
  get labelNames(): readonly string[] {
    return this.#family.labelNames;
  }

  /** Always the schema's name, so registry lookups by name keep working in both formats. */
  get name(): string {
    return this.#fullName;
  }

  /**
   * prom-client's `metrics()` assigns a counter's name without `_total` just before rendering it
   * as OpenMetrics. Storing that would break every later text-format render (prom-client's own
   * counters have that bug), so the assignment only marks the next render as OpenMetrics.
   */
  set name(value: string) {
    if (this.type === 'counter' && value === familyKey(this.#fullName, 'counter'))
      this.#openMetricsNext = true;
  }

  /** The values as JSON (`getMetricsAsJSON()`, cluster aggregation): Prometheus names throughout. */
  async get(): Promise<MetricSnapshot> {
    await this.#collect();
    return this.#snapshot(false);
  }

  /** Used by the registry's text renderers in preference to `get()`. */
  async getForPromString(): Promise<MetricSnapshot> {
    // Read before the first await: the registry assigns `name` and calls this in the same tick.
    const om = this.#openMetricsNext || this.#registry.contentType === OPENMETRICS;
    this.#openMetricsNext = false;
    await this.#collect();
    return this.#snapshot(om);
  }

  /**
   * Engine series (vLLM, TGI) after the family's own, labelled as core's exposition labels them:
   * their own label pairs, then the store's constant labels; histograms with the engine's `le`.
   */
  #pushMirrored(mirrored: readonly MirroredSeries[], values: SampleValue[]): void {
    const name = this.#fullName;
    const constLabels = this.#store.constLabels;
    for (const s of mirrored) {
      let labels = labelCache.get(s);
      if (labels === undefined) {
        labels = {};
        for (const [k, v] of s.labels) if (v !== '') labels[k] = v;
        Object.assign(labels, constLabels);
        labelCache.set(s, labels);
      }
      mirroredSamples(name, this.type, s.value, labels, values);
    }
  }

  /**
   * A summary as prom-client's own Summary reports it: one sample per quantile (label `quantile`
   * last, as core writes it), then `_sum` and `_count`. The window is read at one instant.
   */
  #summaries(values: SampleValue[]): void {
    const family = this.#family;
    const window = family.summary;
    if (window === undefined) return;
    const name = this.#fullName;
    const quantiles = window.quantiles.map(String);
    const now = window.clock();
    for (const s of family.all() as Iterable<Series>) {
      if (s.kind !== 'summary') continue;
      const labels = labelsOf(family, s);
      const estimates = s.quantileValues(now);
      for (let i = 0; i < estimates.length; i++)
        values.push({ labels: { ...labels, quantile: quantiles[i]! }, value: estimates[i]! });
      values.push({ labels: { ...labels }, value: s.sum, metricName: `${name}_sum` });
      values.push({ labels: { ...labels }, value: s.count, metricName: `${name}_count` });
    }
  }

  /** `registry.resetMetrics()` calls this. The lens owns its values, so there is nothing to reset. */
  reset(): void {}

  #snapshot(openMetrics: boolean): MetricSnapshot {
    const family = this.#family;
    const values: SampleValue[] = [];
    const name = this.#fullName;
    if (this.type === 'histogram') {
      const bucket = `${name}_bucket`;
      const sum = `${name}_sum`;
      const count = `${name}_count`;
      const le = [...Array.from(family.bounds, String), '+Inf'];
      for (const s of family.all() as Iterable<Series>) {
        if (s.kind !== 'histogram') continue;
        const labels = labelsOf(family, s);
        let cumulative = 0;
        const counts = s.counts;
        for (let i = 0; i < counts.length; i++) {
          cumulative += counts[i]!;
          values.push({ labels: { ...labels, le: le[i]! }, value: cumulative, metricName: bucket });
        }
        values.push({ labels: { ...labels }, value: s.sum, metricName: sum });
        values.push({ labels: { ...labels }, value: s.count, metricName: count });
      }
    } else if (this.type === 'summary') {
      this.#summaries(values);
    } else {
      for (const s of family.all() as Iterable<Series>) {
        if (s.kind === 'counter' || s.kind === 'gauge')
          values.push({ labels: { ...labelsOf(family, s) }, value: s.value });
      }
    }
    const mirrored = this.#store.mirrored(family.id);
    if (mirrored.length > 0) this.#pushMirrored(mirrored, values);
    // In OpenMetrics prom-client appends `_total` to every counter sample itself.
    const shown = openMetrics && this.type === 'counter' ? familyKey(name, 'counter') : name;
    return { name: shown, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

/**
 * The labels core's exposition writes for a series, in the same order: the row's labels that have
 * a value, the overflow marker, then the constant labels. Callers copy it: what the registry
 * hands out may be changed by the app, and must not change the cache.
 */
function labelsOf(family: Family, s: Series): Readonly<Labels> {
  const cached = labelCache.get(s);
  if (cached !== undefined) return cached;
  const labels: Labels = {};
  const names = family.labelNames;
  const own = family.ownLabelNames.length;
  for (let i = 0; i < own; i++) {
    const v = s.labelValues[i];
    if (v) labels[names[i]!] = v;
  }
  if (s.overflow) labels[OVERFLOW_LABEL] = 'true';
  for (let i = own; i < names.length; i++) labels[names[i]!] = s.labelValues[i] ?? '';
  labelCache.set(s, labels);
  return labels;
}

/**
 * Counts and histograms add up across cluster workers; so do gauges of things (`{request}`).
 * A ratio is averaged; a duration gauge (model load time) keeps the largest. Summaries sum, as
 * prom-client's own do: right for `_sum` and `_count`, meaningless for quantiles, which no
 * aggregator can combine (the histogram is the metric to aggregate).
 */
function aggregatorFor(def: MetricDefinition): Aggregator {
  if (def.kind !== 'gauge' || def.unit.startsWith('{')) return 'sum';
  return def.unit === '1' ? 'average' : 'max';
}
