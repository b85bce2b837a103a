import { fail } from './errors.js';
import { escapeLabelValue } from './escape.js';
import { cutLabelValue, DEFAULT_MAX_LABEL_VALUE_BYTES } from './label-bound.js';
import { newExtraLabels, OVERFLOW_LABEL } from './labels.js';
import type { MirroredSeries, MirrorSource } from './mirror.js';
import {
  labelNamesOf,
  type MetricDefinition,
  type MetricId,
  metricIds,
  schema,
} from './schema/index.js';
import {
  CounterSeries,
  GaugeSeries,
  HistogramSeries,
  type InvalidSink,
  SummarySeries,
} from './series.js';
import type { SummaryWindow } from './sketch.js';
import { resolveStoreOptions, type StoreOptions } from './store-options.js';

export type { StoreOptions, SummaryOptions } from './store-options.js';
export { OVERFLOW_LABEL };
export const DEFAULT_SERIES_LIMIT = 2000;

const NONE: readonly MirroredSeries[] = Object.freeze([]);

/** The series type of a row; distributes over unions, so a family of any id yields `Series`. */
type SeriesOf<D extends MetricDefinition> = D extends { kind: 'counter' }
  ? CounterSeries
  : D extends { kind: 'gauge' }
    ? GaugeSeries
    : D extends { kind: 'summary' }
      ? SummarySeries
      : HistogramSeries;

/** What the store hands each family when it creates it. */
export interface FamilySettings {
  readonly constLabels: Readonly<Record<string, string>>;
  /** Histograms: bucket bounds. */
  readonly bounds?: readonly number[] | undefined;
  readonly limit: number;
  readonly invalid: InvalidSink;
  readonly onOverflow: (family: Family) => void;
  readonly extraLabels?: readonly string[] | undefined;
  /** Summaries: the quantile window. */
  readonly summary?: SummaryWindow | undefined;
  /** Label values longer than this many UTF-8 bytes are cut (default 256). */
  readonly maxLabelValueBytes?: number | undefined;
  /** Called once for every label value cut to the bound (or not a string), with the reason. */
  readonly onLabelValue?: ((reason: 'label_too_long' | 'invalid_value') => void) | undefined;
}

/** One metric of the schema and all its series. */
export class Family<Id extends MetricId = MetricId> {
  readonly id: Id;
  readonly def: (typeof schema)[Id];
  readonly bounds: Float64Array;
  /** Summaries: quantiles, window and clock, shared by every series; undefined otherwise. */
  readonly summary: SummaryWindow | undefined;
  readonly limit: number;
  readonly #series = new Map<string, SeriesOf<(typeof schema)[Id]>>();
  readonly #constNames: readonly string[];
  readonly #constValues: readonly string[];
  /** The constant labels as exposition text (`worker_id="w1"`), escaped once. */
  readonly constText: string;
  /** Longest `labelText` of any series created so far: a bound for renderers that stream. */
  maxLabelTextLength = 0;
  /** The row's labels and the extra labels: the values `series()` takes, in this order. */
  #ownNames: readonly string[];
  #labelNames: readonly string[];
  readonly #invalid: InvalidSink;
  readonly #onOverflow: (family: Family) => void;
  #overflow: SeriesOf<(typeof schema)[Id]> | undefined;
  /** Label sets folded into the overflow series so far (keys), at most `limit` of them. */
  #folded: Set<string> | undefined;
  /** Label values of at most this many UTF-16 units fit the byte bound whatever they hold. */
  readonly #quickLength: number;
  readonly #maxLabelBytes: number;
  readonly #onLabelValue: (reason: 'label_too_long' | 'invalid_value') => void;

  constructor(id: Id, settings: FamilySettings) {
    const { constLabels } = settings;
    this.id = id;
    this.def = schema[id];
    this.#constNames = Object.keys(constLabels);
    this.#constValues = Object.values(constLabels);
    const extra = newExtraLabels(
      `extraLabels.${id}`,
      settings.extraLabels ?? [],
      labelNamesOf(this.def),
      this.#constNames,
      [],
    );
    this.#ownNames = Object.freeze([...labelNamesOf(this.def), ...extra]);
    this.#labelNames = Object.freeze([...this.#ownNames, ...this.#constNames]);
    this.constText = Object.entries(constLabels)
      .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
      .join(',');
    this.bounds = new Float64Array(settings.bounds ?? []);
    this.summary = settings.summary;
    this.limit = settings.limit;
    this.#invalid = settings.invalid;
    this.#onOverflow = settings.onOverflow;
    this.#maxLabelBytes = settings.maxLabelValueBytes ?? DEFAULT_MAX_LABEL_VALUE_BYTES;
    this.#quickLength = Math.floor(this.#maxLabelBytes / 3);
    this.#onLabelValue = settings.onLabelValue ?? (() => {});
  }

  /** Label names in exposition order: the row's labels, the extra labels, the constant labels. */
  get labelNames(): readonly string[] {
    return this.#labelNames;
  }

  /** The row's labels, then the extra labels: what `series()` takes values for, in this order. */
  get ownLabelNames(): readonly string[] {
    return this.#ownNames;
  }

  /** The extra labels alone (declared with `extraLabels` or `addLabels`). */
  get extraLabelNames(): readonly string[] {
    return this.#ownNames.slice(labelNamesOf(this.def).length);
  }

  /**
   * Appends label names to this family at run time, as `extraLabels` does at setup: a middleware
   * calls it when it is set up on a lens the app created. Names the family already has as extra
   * labels are skipped, so setting up twice is harmless. Adding a name is only possible while the
   * family has no series (their label sets are fixed); after that, and for a bad name, it throws.
   *
   * @example
   * lens.store.family('httpRequests').addLabels(['tenant']);
   * lens.store.family('httpRequests').series(['GET', '/v1/chat', '200', 'completed', 'acme']);
   */
  addLabels(names: readonly string[]): void {
    const where = `${this.id}.addLabels`;
    const added = newExtraLabels(
      where,
      names,
      labelNamesOf(this.def),
      this.#constNames,
      this.#ownNames,
    );
    if (added.length === 0) return;
    if (this.size > 0)
      fail(
        `${where}: ${this.def.prometheus} already has series, so it cannot take the labels ${added.join(', ')}; declare extraLabels in createLens()`,
      );
    this.#ownNames = Object.freeze([...this.#ownNames, ...added]);
    this.#labelNames = Object.freeze([...this.#ownNames, ...this.#constNames]);
  }

  /**
   * The series for these label values (the row's labels in schema order; constant labels are
   * added). Call it once and keep the handle: this is the only step that hashes.
   */
  series(values: readonly string[]): SeriesOf<(typeof schema)[Id]> {
    // The one check every label value passes: a length compare, unless the value is long.
    const quick = this.#quickLength;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string' || v.length > quick) {
        values = this.#bounded(values);
        break;
      }
    }
    // Missing trailing values are absent labels: pad them, so [m, e] and [m, e, ''] are one series.
    const n = this.#ownNames.length;
    if (values.length < n) values = [...values, ...new Array<string>(n - values.length).fill('')];
    const key = values.length === 1 ? values[0]! : values.join('\u0001');
    const found = this.#series.get(key);
    if (found !== undefined) return found;
    if (this.#series.size >= this.limit) {
      // seriesOverflow counts label sets, not lookups: a set folded before is not counted again.
      // The memory of folded sets is bounded by the limit too; past it, each lookup counts.
      const folded = (this.#folded ??= new Set());
      if (!folded.has(key)) {
        if (folded.size < this.limit) folded.add(key);
        this.#onOverflow(this as unknown as Family);
      }
      return (this.#overflow ??= this.#create([], true));
    }
    const created = this.#create(values, false);
    this.#series.set(key, created);
    return created;
  }

  /**
   * `value` as a label value: cut to the family's byte bound (and counted) when longer; a value
   * that is not a string becomes its text (numbers, booleans), or `''` and is counted.
   */
  labelValue(value: unknown): string {
    if (typeof value === 'string') {
      if (value.length <= this.#quickLength) return value;
      const cut = cutLabelValue(value, this.#maxLabelBytes);
      if (cut !== value) this.#onLabelValue('label_too_long');
      return cut;
    }
    if (value === undefined || value === null) return '';
    const t = typeof value;
    if (t === 'number' || t === 'boolean' || t === 'bigint') return String(value);
    this.#onLabelValue('invalid_value');
    return '';
  }

  #bounded(values: readonly unknown[]): string[] {
    const out: string[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = this.labelValue(values[i]);
    return out;
  }

  /**
   * Every series, overflow last. The iteration order is creation order, so output is stable.
   * Without an overflow series it is the map's own iterator: a generator would allocate a result
   * object per series, megabytes in a scrape of 100,000 series (#17).
   */
  all(): IterableIterator<SeriesOf<(typeof schema)[Id]>> {
    if (this.#overflow === undefined) return this.#series.values();
    return withLast(this.#series.values(), this.#overflow);
  }

  get size(): number {
    return this.#series.size + (this.#overflow ? 1 : 0);
  }

  /** Drops every series whose label values match `filter` (e.g. a model that was unloaded). */
  remove(filter: (labelValues: readonly string[]) => boolean): number {
    let removed = 0;
    for (const [key, s] of this.#series) {
      if (filter(s.labelValues)) {
        this.#series.delete(key);
        removed++;
      }
    }
    return removed;
  }

  #create(values: readonly string[], overflow: boolean): SeriesOf<(typeof schema)[Id]> {
    const n = this.#ownNames.length;
    const labelValues: string[] = new Array(n + this.#constValues.length);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = overflow ? '' : String(values[i] ?? '');
      labelValues[i] = v;
      if (v !== '') parts.push(`${this.#ownNames[i]}="${escapeLabelValue(v)}"`);
    }
    for (let i = 0; i < this.#constValues.length; i++) labelValues[n + i] = this.#constValues[i]!;
    if (overflow) parts.push(`${OVERFLOW_LABEL}="true"`);
    if (this.constText) parts.push(this.constText);
    const text = parts.join(',');
    if (text.length > this.maxLabelTextLength) this.maxLabelTextLength = text.length;
    const kind = this.def.kind;
    const s =
      kind === 'counter'
        ? new CounterSeries(labelValues, text, overflow, this.#invalid)
        : kind === 'gauge'
          ? new GaugeSeries(labelValues, text, overflow, this.#invalid)
          : kind === 'summary'
            ? new SummarySeries(labelValues, text, overflow, this.#invalid, this.summary!)
            : new HistogramSeries(labelValues, text, overflow, this.#invalid, this.bounds);
    return s as SeriesOf<(typeof schema)[Id]>;
  }
}

/** Every metric of the schema, bounded. Core owns it; every way out reads it at collection. */
export class Store {
  readonly #families: { [Id in MetricId]: Family<Id> };
  readonly #mirrors = new Set<MirrorSource>();
  readonly constLabels: Readonly<Record<string, string>>;
  /** Values refused by series (NaN, negative, infinite). */
  readonly invalid: InvalidSink;
  /** Longest exposition rendered from this store, in characters (`maxScrapeLength`). */
  readonly maxScrapeLength: number;

  constructor(options: StoreOptions = {}) {
    const resolved = resolveStoreOptions(options);
    const { constLabels, limits, buckets, extraLabels, summaries } = resolved;
    this.constLabels = constLabels;
    this.maxScrapeLength = resolved.maxScrapeLength;
    const families = {} as Record<MetricId, Family>;
    // The overflow counter and the invalid-value counter live in the store itself, so they
    // need each other only after construction.
    let overflowFamily: Family<'seriesOverflow'> | undefined;
    const overflowSeries = new Map<MetricId, CounterSeries>();
    const onOverflow = (f: Family): void => {
      if (!overflowFamily) return;
      let s = overflowSeries.get(f.id);
      if (!s) {
        s = overflowFamily.series([f.id]);
        overflowSeries.set(f.id, s);
      }
      s.value++;
    };
    // Values refused by series are reported as eventsDropped{reason="invalid_value"}. That series
    // lives in the store it reports on, so the sink forwards to it once it exists.
    let dropped: CounterSeries | undefined;
    let cut: CounterSeries | undefined;
    const onLabelValue = (reason: 'label_too_long' | 'invalid_value'): void => {
      const s = reason === 'label_too_long' ? cut : dropped;
      if (s) s.value++;
    };
    const invalid: InvalidSink = {
      get value() {
        return dropped?.value ?? 0;
      },
      set value(v: number) {
        if (dropped) dropped.value = v;
      },
    };
    for (const id of metricIds) {
      const def = schema[id];
      families[id] = new Family(id, {
        constLabels,
        bounds: 'buckets' in def ? (buckets[id] ?? def.buckets) : undefined,
        limit: limits[id] ?? limits.default ?? DEFAULT_SERIES_LIMIT,
        invalid,
        onOverflow,
        extraLabels: extraLabels[id],
        summary: summaries[id],
        maxLabelValueBytes: resolved.maxLabelValueBytes,
        onLabelValue,
      });
    }
    overflowFamily = families.seriesOverflow as Family<'seriesOverflow'>;
    this.#families = families as { [Id in MetricId]: Family<Id> };
    dropped = this.#families.eventsDropped.series(['invalid_value']);
    cut = this.#families.eventsDropped.series(['label_too_long']);
    this.invalid = invalid;
  }

  /**
   * `value` bounded as every label value is (`maxLabelValueBytes`), for callers that key their
   * own caches by label values: cut first, so the cache holds short keys.
   *
   * @example
   * const tenant = lens.store.labelValue(req.headers['x-tenant']);
   */
  labelValue(value: unknown): string {
    return this.#families.eventsDropped.labelValue(value);
  }

  family<Id extends MetricId>(id: Id): Family<Id> {
    return this.#families[id];
  }

  /** Families in schema order. */
  *families(): IterableIterator<Family> {
    for (const id of metricIds) yield this.#families[id] as unknown as Family;
  }

  /**
   * Shows another system's series (an engine's own `/metrics`) under the schema's metrics, in
   * every way out. Returns the function that detaches it.
   */
  addMirror(source: MirrorSource): () => void {
    this.#mirrors.add(source);
    return () => {
      this.#mirrors.delete(source);
    };
  }

  /** Whether any source is attached with {@link addMirror}. */
  get hasMirrors(): boolean {
    return this.#mirrors.size > 0;
  }

  /** Mirrored series of one metric from every attached source; a source that throws shows none. */
  mirrored(id: MetricId): readonly MirroredSeries[] {
    if (this.#mirrors.size === 0) return NONE;
    let out: MirroredSeries[] | undefined;
    for (const m of this.#mirrors) {
      let list: readonly MirroredSeries[] | undefined;
      try {
        list = m.mirrored(id);
      } catch {
        this.#families.eventsDropped.series(['listener_error']).value++;
      }
      if (list?.length) (out ??= []).push(...list);
    }
    return out ?? NONE;
  }
}

function* withLast<T>(values: IterableIterator<T>, last: T): IterableIterator<T> {
  yield* values;
  yield last;
}
