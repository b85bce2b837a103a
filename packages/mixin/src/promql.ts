import { type MetricId, schema } from '@inferlens/core/internal';

/** A Prometheus recording rule. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** A Prometheus alerting rule. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export type Rule = RecordingRule | AlertingRule;

/** A rule group as rule files and `PrometheusRule` objects hold it. */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

/** The Prometheus name of a schema row: no metric name is typed twice in the repo. */
export const metric = (id: MetricId): string => schema[id].prometheus;

/** A counter's name without `_total`, as recorded series name it after `rate()`. */
export const rated = (id: MetricId): string => metric(id).replace(/_total$/, '');

/** `name{matchers}`, leaving out empty matchers and empty braces. */
export function sel(name: string, ...matchers: (string | undefined)[]): string {
  const m = matchers.filter((x): x is string => !!x && x.trim() !== '').join(', ');
  return m ? `${name}{${m}}` : name;
}

/** PromQL's way to drop NaN (a ratio over no traffic): every comparison with NaN is false. */
export const finite = (expr: string): string => `${expr} > -Inf`;

/** `by (a, b)`. */
export const by = (labels: readonly string[]): string => `by (${labels.join(', ')})`;

/** Sets label `name` to `value` on every series (PromQL's idiom: an empty source always matches). */
export const setLabel = (expr: string, name: string, value: string): string =>
  `label_replace(${expr}, "${name}", "${value}", "", "")`;

/** Sets label `name` to `value` only where it is absent or empty. */
export const defaultLabel = (expr: string, name: string, value: string): string =>
  `label_replace(${expr}, "${name}", "${value}", "${name}", "")`;

/** Copies label `from` into `to` (keeping `from`). */
export const copyLabel = (expr: string, to: string, from: string): string =>
  `label_replace(${expr}, "${to}", "$1", "${from}", "(.*)")`;

/**
 * A regex that matches a bucket bound however an exporter writes it: Go and JS write `5`, Python's
 * prometheus_client `5.0`, and OpenMetrics `5.0` too.
 */
export function leMatcher(bound: number): string {
  const plain = String(bound);
  const forms = new Set([plain, Number.isInteger(bound) ? `${plain}.0` : plain]);
  return `le=~"${[...forms].map((f) => f.replace(/\./g, '\\\\.')).join('|')}"`;
}

/** `{{ $value | humanize… }}` for an annotation, by what the value is. */
export function valueText(kind: 'ratio' | 'seconds' | 'number'): string {
  if (kind === 'ratio') return '{{ $value | humanizePercentage }}';
  if (kind === 'seconds') return '{{ $value | humanizeDuration }}';
  return '{{ $value | humanize }}';
}

/** Seconds in a Prometheus duration such as `5m` or `1h30m`. */
export function seconds(duration: string): number {
  const unit: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
    y: 31536000,
  };
  let total = 0;
  for (const [, n, u] of duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g))
    total += Number(n) * unit[u!]!;
  return total;
}
