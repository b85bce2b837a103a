import {
  labelNamesOf,
  type MetricId,
  type MirroredHistogram,
  type MirroredSeries,
  schema,
} from '@inferlens/core/internal';

import { addDrop, type Drops, ROW_ORDER, STANDARD_ROWS } from './drops.js';

export type { MirroredHistogram, MirroredSeries, MirrorSource } from '@inferlens/core/internal';

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
  /** Series left out: past `maxSeries`, or merged with different bucket bounds. */
  readonly dropped: number;
  /** The same, by reason. */
  readonly drops: Drops;
  /** Series kept of the standard rows (not engine-only ones). */
  readonly standard: number;
}

type Merge = 'sum' | 'max';
type Pairs = [name: string, value: string][];

/** A series while the scrape is read: its value may still merge with another engine series. */
interface Entry {
  id: MetricId;
  key: string;
  labels: Pairs;
  value: number | MirroredHistogram;
}

/**
 * The series limit's stable rule: standard rows first, then schema order, then the label set, so
 * the same scrape keeps the same series whatever order the engine wrote them in.
 */
function byRank(a: Entry, b: Entry): number {
  const sa = STANDARD_ROWS.has(a.id) ? 0 : 1;
  const sb = STANDARD_ROWS.has(b.id) ? 0 : 1;
  if (sa !== sb) return sa - sb;
  const oa = ROW_ORDER.get(a.id) ?? 0;
  const ob = ROW_ORDER.get(b.id) ?? 0;
  if (oa !== ob) return oa - ob;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Collects the series of one scrape under the standard ids. Two engine series that land on the
 * same standard series (a label the standard set drops, such as vLLM's `priority`) are merged:
 * counters and histograms with equal bounds add up exactly; gauges add or take the max.
 *
 * Labels are the row's (`model_name`, `engine`, …), then `target`, then `dp_rank`; the store the
 * source is attached to appends its constant labels, as it does to its own series. Past `limit`
 * series, `build()` keeps the standard rows first (see `byRank`); what it leaves out is counted.
 */
export class SnapshotBuilder {
  readonly #engine: string;
  readonly #target: string;
  readonly #limit: number;
  readonly #extra: Pairs;
  readonly #series = new Map<string, Entry>();
  readonly #drops: Drops = {};

  /** `extra`: the target's own labels (from discovery), written after `target` and `dp_rank`. */
  constructor(
    engine: string,
    target: string,
    limit: number,
    extra?: Readonly<Record<string, string>>,
  ) {
    this.#engine = engine;
    this.#target = target;
    this.#limit = limit;
    this.#extra = Object.entries(extra ?? {}).filter(([, v]) => v !== '');
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
    let entries = [...this.#series.values()];
    if (entries.length > this.#limit) {
      entries.sort(byRank);
      addDrop(this.#drops, 'series_limit', entries.length - this.#limit);
      entries = entries.slice(0, this.#limit);
    }
    const byId = new Map<MetricId, MirroredSeries[]>();
    let standard = 0;
    for (const { id, labels, value } of entries) {
      let list = byId.get(id);
      if (!list) byId.set(id, (list = []));
      list.push({ labels, value });
      if (STANDARD_ROWS.has(id)) standard++;
    }
    const drops = { ...this.#drops };
    const dropped = Object.values(drops).reduce((a, n) => a + n, 0);
    return { byId, size: entries.length, dropped, drops, standard };
  }

  #put(id: MetricId, key: SeriesKey, value: number | MirroredHistogram, merge: Merge): void {
    const labels = this.#labels(id, key);
    let mapKey: string = id;
    for (const [k, v] of labels) mapKey += `\u0001${k}\u0002${v}`;
    const found = this.#series.get(mapKey);
    if (found === undefined) {
      // Every series of the scrape is held until build() applies the limit by rank; the scrape
      // itself is bounded by maxBytes, so this is too.
      this.#series.set(mapKey, { id, key: mapKey, labels, value });
      return;
    }
    const old = found.value;
    if (typeof old === 'number' && typeof value === 'number')
      found.value = merge === 'max' ? Math.max(old, value) : old + value;
    else if (typeof old !== 'number' && typeof value !== 'number') {
      const sum = addHistograms(old, value);
      if (sum) found.value = sum;
      else addDrop(this.#drops, 'bucket_mismatch');
    }
  }

  /** Label pairs with a value, in exposition order; empty values are left out, as core does. */
  #labels(id: MetricId, key: SeriesKey): Pairs {
    const names = labelNamesOf(schema[id]);
    const pairs: Pairs = [];
    for (const n of names) {
      const v =
        n === 'model_name'
          ? key.model
          : n === 'engine'
            ? this.#engine
            : n === 'target'
              ? this.#target
              : (key.labels?.[n] ?? '');
      if (v !== '') pairs.push([n, v]);
    }
    if (!names.includes('target')) pairs.push(['target', this.#target]);
    if (key.dpRank !== undefined && key.dpRank !== '') pairs.push(['dp_rank', key.dpRank]);
    // Discovery labels never replace a label the row or the source writes.
    for (const [k, v] of this.#extra) if (!pairs.some(([n]) => n === k)) pairs.push([k, v]);
    return pairs;
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
