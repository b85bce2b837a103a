import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import { fail, type MixinConfig } from '../config.js';
import { gpuDashboard } from './gpu.js';
import { httpDashboard } from './http.js';
import { overviewDashboard } from './overview.js';
import { enabledSlos, sloDashboard } from './slo.js';

export type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

/** Grafana keeps a dashboard uid to 40 characters. */
const MAX_UID = 40;

/**
 * Every Grafana dashboard of the mixin, built with the Grafana foundation SDK from the config, each
 * with the file name to write it to. The SLO dashboard is left out when every SLO is turned off.
 *
 * @example
 * for (const { file, dashboard } of dashboards(resolveConfig()))
 *   writeFileSync(join(out, file), JSON.stringify(dashboard, null, 2));
 */
export function dashboards(c: MixinConfig): { file: string; dashboard: Dashboard }[] {
  const list = [
    { file: 'llm-overview.json', dashboard: overviewDashboard(c) },
    { file: 'llm-gpu.json', dashboard: gpuDashboard(c) },
    { file: 'llm-http.json', dashboard: httpDashboard(c) },
  ];
  if (enabledSlos(c).length) list.push({ file: 'llm-slo.json', dashboard: sloDashboard(c) });
  for (const { dashboard } of list) {
    // The SDK writes the interval-variable fields (auto, auto_min, auto_count) on every variable;
    // Grafana's dashboard schema has them on none of the kinds used here, so they are left out.
    for (const v of dashboard.templating?.list ?? [])
      if (v.type !== 'interval')
        for (const k of ['auto', 'auto_min', 'auto_count'])
          delete (v as unknown as Record<string, unknown>)[k];
  }
  for (const { dashboard } of list)
    if ((dashboard.uid ?? '').length > MAX_UID)
      fail(
        `dashboards.uidPrefix: "${c.dashboards.uidPrefix}" makes the uid "${dashboard.uid}" longer than Grafana's ${MAX_UID} characters; use at most ${MAX_UID - (dashboard.uid!.length - c.dashboards.uidPrefix.length)} characters`,
      );
  return list;
}

/** Every panel, those inside rows included, rows left out. */
export function panelsOf(d: Dashboard): Panel[] {
  const out: Panel[] = [];
  for (const p of d.panels ?? []) {
    if (p.type === 'row') out.push(...((p as RowPanel).panels ?? []));
    else out.push(p as Panel);
  }
  return out;
}

/**
 * Every PromQL expression of a dashboard with its panel's title, for tests that parse them or run
 * them against a real Prometheus.
 *
 * @example
 * for (const { panel, expr } of panelQueries(dashboard)) await query(substitute(expr)); // panel names the failure
 */
export function panelQueries(d: Dashboard): { panel: string; expr: string }[] {
  return panelsOf(d).flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      panel: p.title ?? '',
      expr: (t as { expr?: string }).expr ?? '',
    })),
  );
}

/**
 * A dashboard's template variables with their queries: `label_values(…)` for query variables, the
 * plugin type (`prometheus`) for the data source variable.
 *
 * @example
 * variables(dashboard); // [{ name: 'datasource', query: 'prometheus' }, { name: 'namespace', query: 'label_values(…, namespace)' }, …]
 */
export function variables(d: Dashboard): { name: string; query: string }[] {
  return (d.templating.list ?? []).map((v) => ({
    name: v.name,
    query:
      typeof v.query === 'string' ? v.query : v.query === undefined ? '' : JSON.stringify(v.query),
  }));
}
