import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  type Panel,
  QueryVariableBuilder,
  RowBuilder,
  type Threshold,
  type ThresholdsConfig,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as GaugePanelBuilder } from '@grafana/grafana-foundation-sdk/gauge';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import type { MixinConfig } from '../config.js';
import { sel } from '../promql.js';

/** Every query reads the data source the `datasource` variable picks. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template literal.
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** A matcher for a template variable; `.*` (All) also matches a label that is absent. */
export const match = (label: string, variable: string): string => `${label}=~"$${variable}"`;

/** What every panel builder of the SDK has in common, so one helper can dress them all. */
export interface AnyPanel<T> extends cog.Builder<Panel> {
  id(id: number): T;
  title(title: string): T;
  description(description: string): T;
  datasource(datasource: common.DataSourceRef): T;
  targets(targets: cog.Builder<cog.Dataquery>[]): T;
  unit(unit: string): T;
  thresholds(thresholds: cog.Builder<ThresholdsConfig>): T;
  span(w: number): T;
  height(h: number): T;
}

/** One query of a panel: `legend` is the series name Grafana shows. */
export interface Query {
  expr: string;
  legend?: string;
  /** Instant query in table format (tables and stats of "now"). */
  table?: boolean;
}

/** Thresholds as `[colour, from]` steps after a base colour, e.g. `steps('green', ['orange', 0.7], ['red', 0.9])`. */
export function steps(base: string, ...rest: [string, number][]): ThresholdsConfigBuilder {
  const list: Threshold[] = [
    { color: base, value: null },
    ...rest.map(([color, value]) => ({ color, value })),
  ];
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(list);
}

/** What a panel shows; every panel has a description, a unit and (where they mean something) thresholds. */
export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  thresholds?: ThresholdsConfigBuilder;
  /** Width in grid columns (of 24) and height in rows. */
  w?: number;
  h?: number;
}

/** Applies a {@link PanelSpec} to a panel builder of any type. */
export function dress<T extends AnyPanel<T>>(panel: T, spec: PanelSpec): T {
  const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const targets = spec.queries.map((q, i) => {
    const t = new DataqueryBuilder()
      .datasource(DATASOURCE)
      .refId(refIds[i]!)
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto');
    return q.table ? t.instant().format(PromQueryFormat.Table) : t.range();
  });
  panel
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .targets(targets)
    .unit(spec.unit)
    .thresholds(spec.thresholds ?? steps('green'))
    .span(spec.w ?? 8)
    .height(spec.h ?? 8);
  return panel;
}

/** A template variable: its name, its label in the UI, and the series label whose values it lists. */
export interface VariableSpec {
  name: string;
  label: string;
  of: string;
  /** Another series to list the values from (default: the dashboard's). */
  series?: string;
  /** How many of the variables before it narrow its list (default: all of them). */
  narrowBy?: number;
}

/**
 * A multi-select query variable with All = `.*`, so an absent label still matches, listing
 * `label_values(series{earlier variables}, label)`.
 */
export function labelVariable(
  v: VariableSpec,
  series: string,
  earlier: VariableSpec[],
): QueryVariableBuilder {
  const narrowed = sel(
    v.series ?? series,
    ...earlier.slice(0, v.narrowBy).map((e) => match(e.of, e.name)),
  );
  const query = `label_values(${narrowed}, ${v.of})`;
  return new QueryVariableBuilder(v.name)
    .label(v.label)
    .datasource(DATASOURCE)
    .query(query)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: 'All', value: '$__all' })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/**
 * Builds one dashboard: rows of panels laid out left to right, 24 columns wide. Rows stay expanded
 * and hold no panels themselves (Grafana's save model for an open row: its panels follow it).
 */
export class Board {
  private readonly builder: DashboardBuilder;
  private nextId = 1;

  constructor(c: MixinConfig, slug: string, title: string, description: string) {
    const d = c.dashboards;
    this.builder = new DashboardBuilder(
      `${d.titlePrefix ? `${d.titlePrefix} ` : ''}${title}`.trim(),
    )
      .uid(`${d.uidPrefix}-${slug}`)
      .description(description)
      .tags(d.tags)
      .refresh(d.refresh)
      .time({ from: 'now-1h', to: 'now' })
      .timezone('browser')
      .tooltip(DashboardCursorSync.Crosshair)
      .editable()
      // A menu of the other mixin dashboards, keeping the time range and the variables.
      .link(
        new DashboardLinkBuilder('LLM dashboards')
          .type(DashboardLinkType.Dashboards)
          .tags(d.tags)
          .asDropdown(true)
          .includeVars(true)
          .keepTime(true),
      )
      .withVariable(
        new DatasourceVariableBuilder('datasource')
          .label('Data source')
          .type('prometheus')
          .regex(''),
      );
  }

  /** Query variables listing labels of `series`, each narrowed by the ones before it. */
  variables(series: string, list: VariableSpec[]): this {
    list.forEach((v, i) => {
      this.builder.withVariable(labelVariable(v, series, list.slice(0, i)));
    });
    return this;
  }

  row(title: string): this {
    this.builder.withRow(new RowBuilder(title).id(this.nextId++));
    return this;
  }

  panel<T extends AnyPanel<T>>(panel: T, spec: PanelSpec): this {
    this.builder.withPanel(dress(panel, spec).id(this.nextId++));
    return this;
  }

  /** A time series; its thresholds, if any, are drawn as dashed lines. */
  timeseries(spec: PanelSpec): this {
    const p = new TimeseriesPanelBuilder()
      .lineWidth(1)
      .fillOpacity(10)
      .showPoints(common.VisibilityMode.Never)
      .legend(
        new common.VizLegendOptionsBuilder()
          .displayMode(common.LegendDisplayMode.Table)
          .placement(common.LegendPlacement.Bottom)
          .showLegend(true)
          .calcs(['mean', 'max', 'lastNotNull']),
      )
      .tooltip(
        new common.VizTooltipOptionsBuilder()
          .mode(common.TooltipDisplayMode.Multi)
          .sort(common.SortOrder.Descending),
      )
      .thresholdsStyle(
        new common.GraphThresholdsStyleConfigBuilder().mode(
          spec.thresholds
            ? common.GraphThresholdsStyleMode.Dashed
            : common.GraphThresholdsStyleMode.Off,
        ),
      );
    return this.panel(p, spec);
  }

  /** The latest value of each series, big, coloured by its thresholds, with a sparkline. */
  stat(spec: PanelSpec): this {
    const p = new StatPanelBuilder()
      .graphMode(common.BigValueGraphMode.Area)
      .colorMode(common.BigValueColorMode.Value)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
    return this.panel(p, spec);
  }

  /** A dial from `min` to `max` with the thresholds on its rim. */
  gauge(spec: PanelSpec, min: number, max: number): this {
    const p = new GaugePanelBuilder()
      .min(min)
      .max(max)
      .showThresholdMarkers(true)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
    return this.panel(p, spec);
  }

  /**
   * A table of instant queries joined on their labels; `columns` names each query's value column
   * and gives its unit.
   */
  table(spec: PanelSpec, columns: { name: string; unit: string }[]): this {
    const rename: Record<string, string> = {};
    const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    columns.forEach((col, i) => {
      rename[`Value #${refIds[i]}`] = col.name;
    });
    const p = new TablePanelBuilder()
      .withTransformation({ id: 'merge', options: {} })
      .withTransformation({
        id: 'organize',
        options: { excludeByName: { Time: true }, renameByName: rename },
      });
    for (const col of columns) p.overrideByName(col.name, [{ id: 'unit', value: col.unit }]);
    return this.panel(p, { ...spec, queries: spec.queries.map((q) => ({ ...q, table: true })) });
  }

  build(): Dashboard {
    return this.builder.build();
  }
}
