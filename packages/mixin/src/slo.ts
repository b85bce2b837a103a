import { type MetricId, schema } from '@inferlens/core/internal';
import type { LatencySlo, MixinConfig, Slos } from './config.js';
import { fail } from './config.js';
import { type AlertingRule, by, finite, leMatcher, metric, type RuleGroup, sel } from './promql.js';
import { context, type PlannedGroup, planGroup, type RecordedRule, recorded } from './recording.js';

/** Windows the SLO error ratios are recorded over (the period's own window is added). */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/**
 * Multi-window, multi-burn-rate alerts of the SRE workbook (ch. 5) for a 30-day period: page when
 * 2 % of the budget goes in 1 h or 5 % in 6 h; open a ticket when 10 % goes in 3 days. The short
 * window makes an alert stop soon after the problem does.
 */
export const BURN_RATES = [
  { long: '1h', short: '5m', factor: 14.4, speed: 'Fast' },
  { long: '6h', short: '30m', factor: 6, speed: 'Fast' },
  { long: '1d', short: '2h', factor: 3, speed: 'Slow' },
  { long: '3d', short: '6h', factor: 1, speed: 'Slow' },
] as const;

/** What each SLO measures, by its config key. */
export const SLO_KINDS = {
  availability: { slo: 'availability', alert: 'LLMAvailabilitySLO', histogram: undefined },
  e2eLatency: { slo: 'e2e-latency', alert: 'LLMLatencySLO', histogram: 'e2eRequestLatency' },
  ttft: { slo: 'ttft', alert: 'LLMTimeToFirstTokenSLO', histogram: 'timeToFirstToken' },
} as const satisfies Record<keyof Slos, { slo: string; alert: string; histogram?: MetricId }>;

/**
 * Bucket layouts of engines scraped directly (facts: docs/engines.md). vLLM's TTFT family equals
 * ours; TGI's `*_duration` buckets are 0.0001 × 1.5^k and have no round bound at all; llama.cpp's
 * server has no histograms.
 */
const ENGINE_LAYOUTS: Record<string, Partial<Record<MetricId, readonly number[]>>> = {
  vllm: {
    e2eRequestLatency: [
      0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
    ],
    timeToFirstToken: schema.timeToFirstToken.buckets,
  },
  tgi: { e2eRequestLatency: [] },
  // SGLang's current collector.py lists (its v0.4 layout had 5 s and 0.5 s, like vLLM).
  sglang: {
    e2eRequestLatency: [
      0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 600, 1200, 1800,
      2400,
    ],
    timeToFirstToken: [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400],
  },
};

/** A named series of SLO recording rules. */
export const sloSeries = {
  errors: 'slo:sli_error:rate5m',
  total: 'slo:sli_total:rate5m',
  ratio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  objective: 'slo:objective:ratio',
  budget: 'slo:error_budget:ratio',
  period: 'slo:time_period:days',
  currentBurn: 'slo:current_burn_rate:ratio',
  periodBurn: 'slo:period_burn_rate:ratio',
  remaining: 'slo:period_error_budget_remaining:ratio',
} as const;

export interface SloPlan {
  groups: PlannedGroup[];
  alerts: RuleGroup;
  /** Things the user should know that do not stop generation (an engine left out of an SLO). */
  warnings: string[];
  /** Alert names with the SLO, its budget and the burn pair they watch, for tests and docs. */
  alertSpecs: SloAlertSpec[];
}

export interface SloAlertSpec {
  name: string;
  slo: string;
  key: keyof Slos;
  severity: 'critical' | 'warning';
  for: string;
  budget: number;
  pairs: (typeof BURN_RATES)[number][];
}

/** The bounds a lens built with `extraBuckets` has for `id`. */
function boundsOf(id: MetricId, c: MixinConfig): number[] {
  return [
    ...((schema[id] as { buckets: readonly number[] }).buckets ?? []),
    ...(c.extraBuckets[id] ?? []),
  ];
}

/**
 * Checks a latency SLO's threshold against the bucket layouts: inferlens's (the schema and the
 * config's `extraBuckets`) must have a bound exactly there, else generation fails; an engine
 * layout without it is left out of the SLO (the rules match only series that have the bound) and
 * named in a warning.
 */
function checkBound(
  key: keyof Slos,
  slo: LatencySlo,
  id: MetricId,
  c: MixinConfig,
  warnings: string[],
): void {
  const bound = slo.thresholdSeconds;
  const bounds = boundsOf(id, c);
  if (!bounds.includes(bound)) {
    const below = bounds.filter((b) => b < bound).at(-1);
    const above = bounds.find((b) => b > bound);
    fail(
      `slos.${key}.thresholdSeconds: ${bound} s is not a bucket bound of ${metric(id)} (nearest: ${below ?? '—'} and ${above ?? '+Inf'}), so the share of requests under it cannot be counted. Add the bound to the lens, createLens({ extraBuckets: { ${id}: [${bound}] } }), and to this config's extraBuckets.`,
    );
  }
  for (const [engine, layouts] of Object.entries(ENGINE_LAYOUTS)) {
    if (!c.engines[engine as keyof MixinConfig['engines']]) continue;
    const layout = layouts[id];
    if (layout && !layout.includes(bound))
      warnings.push(
        `slos.${key}: ${engine}'s own ${metric(id)} buckets have no bound at ${bound} s; requests of ${engine} pods scraped directly are left out of this SLO (through the gateway they are timed with inferlens's buckets).`,
      );
  }
}

/** SLO recording rules, burn-rate alerts and warnings, from the config. */
export function sloPlan(c: MixinConfig): SloPlan {
  const x = context(c);
  const { w, agg } = x;
  const keep = by(agg);
  const budgetWindows = [...SLO_WINDOWS, `${c.sloPeriodDays}d`].filter(
    (v, i, a) => a.indexOf(v) === i,
  );
  const warnings: string[] = [];
  const fast: RecordedRule[] = [];
  const slow: RecordedRule[] = [];
  const alerts: AlertingRule[] = [];
  const alertSpecs: SloAlertSpec[] = [];
  for (const key of Object.keys(SLO_KINDS) as (keyof Slos)[]) {
    const slo = c.slos[key];
    if (slo === false) continue;
    const kind = SLO_KINDS[key];
    const name = kind.slo;
    const budget = +(1 - slo.objective).toPrecision(12);
    const L = { slo: name };
    const only = `slo="${name}"`;
    let errors: string;
    let total: string;
    if (kind.histogram === undefined) {
      const requests = recorded.rate('requests', w);
      errors = `sum ${keep} (${requests}{finish_reason="error"}) or sum ${keep} (${requests}) * 0`;
      total = `sum ${keep} (${requests})`;
    } else {
      const s = slo as LatencySlo;
      checkBound(key, s, kind.histogram, c, warnings);
      const bucket = recorded.histogram(kind.histogram, 'bucket', w);
      // The +Inf bucket, not _count: a layout without the bound drops out of both sides.
      const all = `sum ${keep} (${bucket}{le="+Inf"})`;
      const good = `sum ${keep} (${sel(bucket, leMatcher(s.thresholdSeconds))})`;
      errors = `${all} - ${good}`;
      total = `${all} and ${good}`;
    }
    fast.push(
      { record: sloSeries.errors, expr: errors, labels: L, source: 'derived' },
      { record: sloSeries.total, expr: total, labels: L, source: 'derived' },
      {
        record: sloSeries.objective,
        expr: `vector(${slo.objective})`,
        labels: L,
        source: 'config',
      },
      { record: sloSeries.budget, expr: `vector(${budget})`, labels: L, source: 'config' },
      { record: sloSeries.period, expr: `vector(${c.sloPeriodDays})`, labels: L, source: 'config' },
    );
    for (const window of budgetWindows) {
      const expr =
        window === '5m'
          ? `${sel(sloSeries.errors, only)} / ${sel(sloSeries.total, only)}`
          : `sum_over_time(${sel(sloSeries.errors, only)}[${window}]) / sum_over_time(${sel(sloSeries.total, only)}[${window}])`;
      // Windows of a day and more are read by slow alerts and the budget: evaluate them less often.
      (window.endsWith('d') ? slow : fast).push({
        record: sloSeries.ratio(window),
        expr: finite(expr),
        labels: L,
        source: 'derived',
      });
    }
    fast.push({
      record: sloSeries.currentBurn,
      expr: `${sel(sloSeries.ratio('5m'), only)} / ${budget}`,
      labels: L,
      source: 'derived',
    });
    slow.push(
      {
        record: sloSeries.periodBurn,
        expr: `${sel(sloSeries.ratio(`${c.sloPeriodDays}d`), only)} / ${budget}`,
        labels: L,
        source: 'derived',
      },
      {
        record: sloSeries.remaining,
        expr: `1 - ${sel(sloSeries.periodBurn, only)}`,
        labels: L,
        source: 'derived',
      },
    );
    for (const speed of ['Fast', 'Slow'] as const) {
      const pairs = BURN_RATES.filter((p) => p.speed === speed);
      const spec: SloAlertSpec = {
        name: `${kind.alert}BudgetBurn${speed}`,
        slo: name,
        key,
        severity: speed === 'Fast' ? 'critical' : 'warning',
        for: speed === 'Fast' ? '2m' : '15m',
        budget,
        pairs: [...pairs],
      };
      alertSpecs.push(spec);
      const o = c.alerts[spec.name] ?? {};
      if (o.disabled) continue;
      const burn = (window: string) => `${sel(sloSeries.ratio(window), only)} / ${budget}`;
      alerts.push({
        alert: spec.name,
        expr: pairs
          .map((p) => `(${burn(p.long)} > ${p.factor} and ${burn(p.short)} > ${p.factor})`)
          .join(' or '),
        for: o.for ?? spec.for,
        labels: { severity: o.severity ?? spec.severity, slo: name, ...c.alertLabels },
        annotations: {
          summary: `{{ $labels.model_name }} burns its ${name} error budget {{ $value | humanize }}× as fast as the SLO allows.`,
          description: `The ${name} SLO of {{ $labels.model_name }} on {{ $labels.job }} (${describe(key, slo)}) is burning its ${c.sloPeriodDays}-day error budget ${speed === 'Fast' ? 'fast enough to exhaust it within days: page' : 'steadily: open a ticket'} (${pairs.map((p) => `> ${p.factor}× over ${p.long} and ${p.short}`).join(', or ')}).`,
          runbook_url: `${c.runbookBaseUrl}/${spec.name}.md`,
        },
      });
    }
  }
  const groups: [string, RecordedRule[], string | undefined][] = [
    ['inferlens-slo.rules', fast, undefined],
    ['inferlens-slo-long.rules', slow, c.sloLongWindowInterval],
  ];
  return {
    groups: groups
      .filter(([, rules]) => rules.length)
      .map(([name, rules, interval]) => planGroup(name, rules, interval)),
    alerts: { name: 'inferlens-slo.alerts', rules: alerts },
    warnings,
    alertSpecs,
  };
}

/** "99 % of requests do not fail", "95 % within 5 s". */
export function describe(key: keyof Slos, slo: { objective: number } | LatencySlo): string {
  const pct = `${+(slo.objective * 100).toFixed(4)} %`;
  if (key === 'availability') return `${pct} of requests do not fail`;
  return `${pct} of requests ${key === 'ttft' ? 'get their first token' : 'end'} within ${(slo as LatencySlo).thresholdSeconds} s`;
}
