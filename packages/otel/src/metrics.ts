import type {
  Family,
  MetricDefinition,
  MetricKind,
  MirroredSeries,
  Series,
  Store,
} from '@inferlens/core/internal';
import { ValueType } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { type AttributeContext, AttributeMapper } from './attributes.js';
import type { PointBuilder } from './points.js';

/** One family of the store, with what converting it needs prepared once. */
interface Member {
  readonly family: Family;
  /** The store the family belongs to, which also holds the mirrored series of engine sources. */
  readonly store: Store;
  readonly attributes: AttributeMapper;
  /** The family's bounds as the number[] OTel wants, shared by all its points. */
  readonly boundaries: number[];
  /** Exports the series the lens recorded itself. */
  readonly own: boolean;
  /** Exports the series engine sources mirrored into the store (always measured server-side). */
  readonly mirrored: boolean;
}

/** Who measured the lens's own series: the model server itself, or a client of it. */
export type Vantage = 'server' | 'client';

/** How the store's families become OTel metrics. */
export interface GroupSettings {
  readonly operationName: string;
  readonly urlScheme: string;
  readonly vantage: Vantage;
}

/** One OTel metric: the store families that share its name (input and output token usage). */
export interface MetricGroup {
  readonly name: string;
  readonly kind: MetricKind;
  /** A gauge exported as an UpDownCounter (non-monotonic sum), as OTel models in-flight counts. */
  readonly upDown: boolean;
  readonly unit: string;
  readonly description: string;
  readonly members: readonly Member[];
}

/**
 * Groups the store's families by OTel name, leaving summaries out. Rows that share a name must
 * agree on kind and unit (a test holds the schema to that); if they ever did not, they stay
 * separate metrics rather than producing a data point of the wrong type.
 *
 * From the client vantage a row with an `otelClient` name exports the lens's own series under it
 * (`gen_ai.client.operation.duration`), while the engine series mirrored beside them keep the
 * server name: those were measured by the engine.
 */
export function groupFamilies(store: Store, settings: GroupSettings): MetricGroup[] {
  const groups = new Map<
    string,
    {
      name: string;
      kind: MetricKind;
      upDown: boolean;
      unit: string;
      members: Member[];
      helps: string[];
    }
  >();
  const add = (family: Family, name: string, served: boolean, own: boolean, mirrored: boolean) => {
    const def: MetricDefinition = family.def;
    const key = `${name}\u0001${def.kind}\u0001${def.unit}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        name,
        kind: def.kind,
        upDown: def.otelUpDown === true,
        unit: def.unit,
        members: [],
        helps: [],
      };
      groups.set(key, group);
    }
    const context: AttributeContext = { ...settings, served };
    group.members.push({
      family,
      store,
      attributes: new AttributeMapper(family, name, context, store.constLabels),
      boundaries: Array.from(family.bounds),
      own,
      mirrored,
    });
    if (!group.helps.includes(def.help)) group.helps.push(def.help);
  };
  for (const family of store.families()) {
    const def: MetricDefinition = family.def;
    // OTel has no data point for a summary's windowed quantiles (sdk-metrics' MetricProducer
    // offers gauge, sum, histogram and exponential histogram), so summaries stay Prometheus-only.
    // The histogram of the same durations is exported in full, which is what to aggregate anyway.
    if (def.kind === 'summary') continue;
    if (settings.vantage === 'server') add(family, def.otel, true, true, true);
    else {
      add(family, def.otelClient ?? def.otel, false, true, false);
      add(family, def.otel, true, false, true);
    }
  }
  return [...groups.values()].map(({ helps, ...group }) => ({
    ...group,
    description: helps.join(' '),
  }));
}

/**
 * Converts one group into MetricData, or undefined when it has no series yet. A series whose value
 * is not a finite number is skipped and reported through `skip`, so one bad value never costs
 * the rest of the export. Mirrored series (engine sources) follow the families' own; one whose
 * value does not fit the metric's kind is left out, as core's exposition leaves it out.
 */
export function toMetricData(
  group: MetricGroup,
  points: PointBuilder,
  temporality: AggregationTemporality,
  skip: (series: Series) => void,
): MetricData | undefined {
  const descriptor = {
    name: group.name,
    description: group.description,
    unit: group.unit,
    valueType: ValueType.DOUBLE,
  };
  if (group.kind === 'histogram') {
    const dataPoints: DataPoint<Histogram>[] = [];
    for (const m of group.members)
      for (const s of ownSeries(m)) {
        if (s.kind !== 'histogram') continue;
        const p = points.histogram(s, m.attributes.of(s), m.boundaries);
        if (p) dataPoints.push(p);
        else skip(s);
      }
    for (const m of group.members)
      for (const s of mirroredSeries(m)) {
        const v = s.value;
        if (typeof v === 'number' || v.cumulative.length !== v.bounds.length + 1) continue;
        const p = points.mirrored.histogram(m.family.id, s, m.attributes.ofMirrored(s));
        if (p) dataPoints.push(p);
      }
    if (dataPoints.length === 0) return undefined;
    return {
      descriptor,
      aggregationTemporality: temporality,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints,
    };
  }
  const monotonic = group.kind === 'counter';
  const dataPoints: DataPoint<number>[] = [];
  for (const m of group.members)
    for (const s of ownSeries(m)) {
      if (s.kind === 'histogram' || s.kind === 'summary') continue;
      const p = points.number(s, m.attributes.of(s), monotonic);
      if (p) dataPoints.push(p);
      else skip(s);
    }
  for (const m of group.members)
    for (const s of mirroredSeries(m)) {
      if (typeof s.value !== 'number') continue;
      const p = points.mirrored.number(m.family.id, s, m.attributes.ofMirrored(s), monotonic);
      if (p) dataPoints.push(p);
    }
  if (dataPoints.length === 0) return undefined;
  if (group.upDown)
    return {
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: false,
      dataPoints,
    };
  if (!monotonic)
    // Gauges have no temporality on the wire; sdk-metrics reports them as cumulative.
    return {
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints,
    };
  return {
    descriptor,
    aggregationTemporality: temporality,
    dataPointType: DataPointType.SUM,
    isMonotonic: true,
    dataPoints,
  };
}

const NONE: readonly never[] = [];

function ownSeries(m: Member): Iterable<Series> {
  return m.own ? (m.family.all() as Iterable<Series>) : NONE;
}

function mirroredSeries(m: Member): Iterable<MirroredSeries> {
  return m.mirrored ? m.store.mirrored(m.family.id) : NONE;
}
