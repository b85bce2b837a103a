import { formatValue, labelNamesOf, type MetricId, schema } from '@inferlens/core';
import { formatLe, labelText } from './labels.js';

/** An engine histogram as the engine bucketed it: bounds without +Inf, cumulative counts with it. */
export interface MirroredHistogram {
  bounds: readonly number[];
  /** Cumulative counts, one per bound, then the +Inf bucket. */
  cumulative: readonly number[];
  /** Undefined when the engine did not send `_sum`. */
  sum: number | undefined;
  count: number;
}

/** One mirrored series: its label text is built once per scrape, rendering is concatenation. */
export interface MirroredSeries {
  labelText: string;
  value: number | MirroredHistogram;
}

/** Who a series belongs to: the model, the data-parallel rank, the row's own labels. */
export interface SeriesKey {
  model: string;
  /** vLLM's `engine` label (data-parallel rank), exported as `dp_rank`. */
  dpRank?: string;
  /** Values of the row's labels (e.g. `finish_reason`); `target` is filled in by the builder. */
  labels?: Readonly<Record<string, string>>;
}

/** The normalized data of one successful scrape of one target. */
export interface Snapshot {
  readonly byId: ReadonlyMap<MetricId, readonly MirroredSeries[]>;
  readonly size: number;
  /** Series refused because the target passed `maxSeries`. */
  readonly dropped: number;
}

type Merge = 'sum' | 'max';

/**
 * Collects the series of one scrape under the standard ids. Two engine series that land on the
 * same standard series (a label the standard set drops, such as vLLM's `priority`) are merged:
 * counters and histograms with equal bounds add up exactly; gauges add or take the max.
 */
export class SnapshotBuilder {
  readonly #engine: string;
  readonly #target: string;
  readonly #tail: readonly (readonly [string, string])[];
  readonly #limit: number;
  readonly #series = new Map<string, { id: MetricId; s: MirroredSeries }>();
  #dropped = 0;

  constructor(
    engine: string,
    target: string,
    constLabels: Readonly<Record<string, string>>,
    limit: number,
  ) {
    this.#engine = engine;
    this.#target = target;
    this.#tail = Object.entries(constLabels);
    this.#limit = limit;
  }

  counter(id: MetricId, key: SeriesKey, value: number): void {
    if (value >= 0) this.#put(id, key, value, 'sum');
  }

  gauge(id: MetricId, key: SeriesKey, value: number, merge: Merge = 'sum'): void {
    if (Number.isFinite(value)) this.#put(id, key, value, merge);
  }

  histogram(id: MetricId, key: SeriesKey, h: MirroredHistogram): void {
    this.#put(id, key, h, 'sum');
  }

  build(): Snapshot {
    const byId = new Map<MetricId, MirroredSeries[]>();
    for (const { id, s } of this.#series.values()) {
      let list = byId.get(id);
      if (!list) byId.set(id, (list = []));
      list.push(s);
    }
    return { byId, size: this.#series.size, dropped: this.#dropped };
  }

  #put(id: MetricId, key: SeriesKey, value: number | MirroredHistogram, merge: Merge): void {
    const text = this.#labelText(id, key);
    const mapKey = `${id}\u0001${text}`;
    const found = this.#series.get(mapKey);
    if (found === undefined) {
      if (this.#series.size >= this.#limit) {
        this.#dropped++;
        return;
      }
      this.#series.set(mapKey, { id, s: { labelText: text, value } });
      return;
    }
    const old = found.s.value;
    if (typeof old === 'number' && typeof value === 'number')
      found.s.value = merge === 'max' ? Math.max(old, value) : old + value;
    else if (typeof old !== 'number' && typeof value !== 'number') {
      const sum = addHistograms(old, value);
      if (sum) found.s.value = sum;
      else this.#dropped++;
    }
  }

  #labelText(id: MetricId, key: SeriesKey): string {
    const names = labelNamesOf(schema[id]);
    const pairs: [string, string][] = [];
    for (const n of names) {
      const v =
        n === 'model_name'
          ? key.model
          : n === 'engine'
            ? this.#engine
            : n === 'target'
              ? this.#target
              : (key.labels?.[n] ?? '');
      pairs.push([n, v]);
    }
    if (!names.includes('target')) pairs.push(['target', this.#target]);
    if (key.dpRank !== undefined) pairs.push(['dp_rank', key.dpRank]);
    return labelText([...pairs, ...this.#tail]);
  }
}

/** Bucket-wise sum; undefined when the bounds differ (re-bucketing would be lossy). */
function addHistograms(a: MirroredHistogram, b: MirroredHistogram): MirroredHistogram | undefined {
  if (a.bounds.length !== b.bounds.length || a.bounds.some((x, i) => x !== b.bounds[i]))
    return undefined;
  return {
    bounds: a.bounds,
    cumulative: a.cumulative.map((c, i) => c + (b.cumulative[i] ?? 0)),
    sum: a.sum === undefined || b.sum === undefined ? undefined : a.sum + b.sum,
    count: a.count + b.count,
  };
}

/** The sample lines of one family's mirrored series, in either text format. */
export function renderSeries(id: MetricId, series: readonly MirroredSeries[], om: boolean): string {
  const name = schema[id].prometheus;
  let out = '';
  for (const s of series) {
    const v = s.value;
    if (typeof v === 'number') {
      out += s.labelText
        ? `${name}{${s.labelText}} ${formatValue(v)}\n`
        : `${name} ${formatValue(v)}\n`;
      continue;
    }
    const sep = s.labelText ? `${s.labelText},` : '';
    for (let i = 0; i < v.cumulative.length; i++) {
      const le = formatLe(v.bounds[i] ?? Number.POSITIVE_INFINITY, om);
      out += `${name}_bucket{${sep}le="${le}"} ${formatValue(v.cumulative[i]!)}\n`;
    }
    const braces = s.labelText ? `{${s.labelText}}` : '';
    if (v.sum !== undefined) out += `${name}_sum${braces} ${formatValue(v.sum)}\n`;
    out += `${name}_count${braces} ${formatValue(v.count)}\n`;
  }
  return out;
}
