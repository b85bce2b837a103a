import { fetchText } from '@inferlens/engine-source/internal';
import {
  generateMixin,
  type MixinConfigInput,
  panelQueries,
  variables,
} from '@inferlens/mixin/internal';
import type { Finding } from './format.js';
import { some } from './series.js';

export interface PrometheusOptions {
  timeoutMs: number;
  authorization?: string;
  config: MixinConfigInput;
  /** Called as dashboard queries finish, for the progress line. */
  onProgress?: (done: number, total: number) => void;
}

export interface PrometheusReport {
  url: string;
  error?: string;
  targets: { job: string; instance: string; health: string; lastError: string }[];
  rules: { expected: number; loaded: number; unhealthy: string[]; missingGroups: string[] };
  queries: { total: number; withData: number; empty: string[]; failed: string[] };
  alerts: { name: string; state: string; labels: Record<string, string> }[];
  findings: Finding[];
}

/** Thrown when Prometheus cannot be asked at all: a connection error, exit 2. */
class Unreachable extends Error {}

/**
 * Asks a Prometheus whether the monitoring works end to end: its targets are up, the generated
 * rule groups are loaded and healthy, every query of the generated dashboards returns data (with
 * the template variables set to `.*`, as "All" does), and which alerts are pending or firing.
 */
export async function checkPrometheus(
  url: string,
  options: PrometheusOptions,
): Promise<PrometheusReport> {
  const base = url.replace(/\/+$/, '');
  const report: PrometheusReport = {
    url: base,
    targets: [],
    rules: { expected: 0, loaded: 0, unhealthy: [], missingGroups: [] },
    queries: { total: 0, withData: 0, empty: [], failed: [] },
    alerts: [],
    findings: [],
  };
  const api = async (path: string): Promise<unknown> => {
    const res = await fetchText(base + path, {
      timeoutMs: options.timeoutMs,
      maxBytes: 64 * 1024 * 1024,
      headers: options.authorization ? { authorization: options.authorization } : {},
    });
    if (!res.ok) throw new Unreachable(`${path}: ${res.reason}: ${res.message}`);
    let body: { status?: string; data?: unknown; error?: string };
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new Unreachable(`${path}: not JSON: is this a Prometheus?`);
    }
    if (body.status !== 'success') throw new Error(body.error ?? 'status is not success');
    return body.data;
  };
  try {
    await targets(report, api);
    const mixin = generateMixin(options.config);
    await rules(report, api, mixin);
    await queries(report, api, mixin, options.onProgress);
    await alerts(report, api);
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    report.error = error.message;
  }
  return report;
}

type Api = (path: string) => Promise<unknown>;

async function targets(report: PrometheusReport, api: Api): Promise<void> {
  const data = (await api('/api/v1/targets?state=active')) as {
    activeTargets: { labels: Record<string, string>; health: string; lastError: string }[];
  };
  report.targets = data.activeTargets.map((t) => ({
    job: t.labels.job ?? '',
    instance: t.labels.instance ?? '',
    health: t.health,
    lastError: t.lastError,
  }));
  const down = report.targets.filter((t) => t.health !== 'up');
  if (report.targets.length === 0)
    report.findings.push({
      level: 'problem',
      message: 'no scrape targets: Prometheus scrapes nothing',
    });
  for (const t of down)
    report.findings.push({
      level: 'problem',
      message: `target ${t.job}/${t.instance} is ${t.health}${t.lastError ? `: ${t.lastError}` : ''}`,
    });
}

async function rules(
  report: PrometheusReport,
  api: Api,
  mixin: ReturnType<typeof generateMixin>,
): Promise<void> {
  const data = (await api('/api/v1/rules')) as {
    groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[];
  };
  const expected = Object.values(mixin.rules).flat();
  const loaded = new Map(data.groups.map((g) => [g.name, g]));
  report.rules.expected = expected.reduce((n, g) => n + g.rules.length, 0);
  for (const g of expected) {
    const found = loaded.get(g.name);
    if (!found) {
      report.rules.missingGroups.push(g.name);
      continue;
    }
    report.rules.loaded += found.rules.length;
    for (const r of found.rules)
      if (r.health !== 'ok' && r.health !== 'unknown')
        report.rules.unhealthy.push(`${r.name}: ${r.lastError ?? r.health}`);
  }
  const { missingGroups, unhealthy } = report.rules;
  if (missingGroups.length)
    report.findings.push({
      level: 'problem',
      message: `${missingGroups.length} of ${expected.length} generated rule groups are not loaded (rule_files in prometheus.yml?): ${some(missingGroups)}`,
    });
  if (unhealthy.length)
    report.findings.push({
      level: 'problem',
      message: `${unhealthy.length} rule(s) fail to evaluate: ${some(unhealthy, 2)}`,
    });
}

/** `$__rate_interval` and friends as Grafana would fill them on a 1 m scrape interval. */
function concrete(expr: string, vars: readonly string[]): string {
  let out = expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h');
  for (const v of [...vars].sort((a, b) => b.length - a.length))
    out = out.replaceAll(`\${${v}}`, '.*').replaceAll(`$${v}`, '.*');
  return out;
}

async function queries(
  report: PrometheusReport,
  api: Api,
  mixin: ReturnType<typeof generateMixin>,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const all = mixin.dashboards.flatMap(({ file, dashboard }) => {
    const vars = variables(dashboard as never).map((v) => v.name);
    return panelQueries(dashboard as never)
      .filter((q) => q.expr !== '')
      .map((q) => ({
        where: `${file.replace(/\.json$/, '')} / ${q.panel}`,
        expr: concrete(q.expr, vars),
      }));
  });
  report.queries.total = all.length;
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const q = all[next++]!;
      try {
        const data = (await api(`/api/v1/query?query=${encodeURIComponent(q.expr)}`)) as {
          result: unknown[];
        };
        if (data.result.length) report.queries.withData++;
        else report.queries.empty.push(q.where);
      } catch (error) {
        if (error instanceof Unreachable) throw error;
        report.queries.failed.push(`${q.where}: ${(error as Error).message}`);
      }
      onProgress?.(++done, all.length);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const { empty, failed } = report.queries;
  if (failed.length)
    report.findings.push({
      level: 'problem',
      message: `${failed.length} dashboard queries fail: ${some(failed, 2)}`,
    });
  if (empty.length)
    report.findings.push({
      level: 'warning',
      message: `${empty.length} of ${all.length} dashboard queries return no data (no traffic of that kind yet, or a series the targets lack): ${some(empty, 4)}`,
    });
}

async function alerts(report: PrometheusReport, api: Api): Promise<void> {
  const data = (await api('/api/v1/alerts')) as {
    alerts: { labels: Record<string, string>; state: string }[];
  };
  report.alerts = data.alerts.map((a) => ({
    name: a.labels.alertname ?? '',
    state: a.state,
    labels: a.labels,
  }));
  for (const a of report.alerts)
    report.findings.push({
      level: a.state === 'firing' ? 'problem' : 'warning',
      message: `alert ${a.name} is ${a.state}${a.labels.severity ? ` (${a.labels.severity})` : ''}${a.labels.model_name ? ` for ${a.labels.model_name}` : ''}`,
    });
}
