import {
  ALERTS,
  type AlertTest,
  alertRule,
  failingRequests,
  L,
  type TestSeries,
} from './alerts.js';
import type { MixinConfig } from './config.js';
import { expand } from './go-format.js';
import { metric, seconds } from './promql.js';
import { context } from './recording.js';
import { SLO_KINDS, type SloAlertSpec, sloPlan } from './slo.js';

/** One `promtool test rules` case: input series, and the alerts expected at `eval_time`. */
export interface PromtoolTest {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: {
    eval_time: string;
    alertname: string;
    exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
  }[];
}

/** A `promtool test rules` file: for every alert, a case where it fires and one where it stays silent. */
export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: PromtoolTest[];
}

const STEP = 60; // input samples one minute apart

function values(s: TestSeries, v: number, samples: number): string {
  const x = s.value(v);
  return s.kind === 'gauge' ? `${x}x${samples}` : `0+${+(x * STEP).toPrecision(12)}x${samples}`;
}

/**
 * The two cases of one alert. The alert must fire at `fire` once its condition held for its `for`
 * (plus one rate window to fill), and stay silent at `quiet` at the same time.
 */
function cases(
  alert: string,
  forDuration: string,
  test: AlertTest,
  c: MixinConfig,
  rule: { labels: Record<string, string>; annotations: Record<string, string> },
): PromtoolTest[] {
  const evalSeconds = seconds(forDuration) + seconds(c.rateWindow) + 2 * STEP;
  const samples = evalSeconds / STEP + 2;
  const at = `${evalSeconds / STEP}m`;
  const labels = { ...test.labels, ...rule.labels };
  const fire = +test.fire.toPrecision(10);
  const quiet = +test.quiet.toPrecision(10);
  const value = test.expect ? test.expect(evalSeconds) : fire;
  const annotations = Object.fromEntries(
    Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, labels, value)]),
  );
  return [
    {
      name: `${alert} fires at ${fire} after ${forDuration}`,
      interval: `${STEP}s`,
      input_series: test.series.map((s) => ({
        series: s.series,
        values: values(s, fire, samples),
      })),
      alert_rule_test: [
        {
          eval_time: at,
          alertname: alert,
          exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }],
        },
      ],
    },
    {
      name: `${alert} stays silent at ${quiet}`,
      interval: `${STEP}s`,
      input_series: test.series.map((s) => ({
        series: s.series,
        values: values(s, quiet, samples),
      })),
      alert_rule_test: [{ eval_time: at, alertname: alert, exp_alerts: [] }],
    },
  ];
}

/** How an SLO burn alert is driven: the error ratio of its SLI, as the rules see the raw series. */
function sloTest(spec: SloAlertSpec, c: MixinConfig): AlertTest {
  const base = { job: 'app', model_name: 'm', engine: 'e' };
  const kind = SLO_KINDS[spec.key];
  let series: TestSeries[];
  if (kind.histogram === undefined) {
    series = failingRequests(base);
  } else {
    const slo = c.slos[spec.key] as { thresholdSeconds: number };
    const bucket = `${metric(kind.histogram)}_bucket`;
    series = [
      {
        series: `${bucket}${L({ ...base, le: String(slo.thresholdSeconds) })}`,
        kind: 'counter',
        value: (v) => 1 - v,
      },
      { series: `${bucket}${L({ ...base, le: '+Inf' })}`, kind: 'counter', value: () => 1 },
    ];
  }
  // Fire well above the lowest factor of the pair; stay silent just under the lowest.
  const low = Math.min(...spec.pairs.map((p) => p.factor));
  const high = Math.max(...spec.pairs.map((p) => p.factor));
  const fire = Math.min(1, spec.budget * high * 1.5);
  return {
    series,
    fire,
    quiet: spec.budget * low * 0.8,
    labels: { ...base, slo: spec.slo },
    expect: () => fire / spec.budget,
  };
}

/**
 * Unit tests for every alert the config enables, as a `promtool test rules` file. `ruleFiles` are
 * paths relative to where the test file is written.
 */
export function unitTests(c: MixinConfig, ruleFiles: string[]): PromtoolTestFile {
  const x = context(c);
  const tests: PromtoolTest[] = [];
  for (const spec of ALERTS) {
    const rule = alertRule(spec, c, x);
    if (!rule) continue;
    tests.push(...cases(spec.name, rule.for ?? '0s', spec.test(c.thresholds, x), c, rule));
  }
  const plan = sloPlan(c);
  for (const spec of plan.alertSpecs) {
    const rule = plan.alerts.rules.find((r) => 'alert' in r && r.alert === spec.name);
    if (!rule || !('alert' in rule)) continue;
    tests.push(...cases(spec.name, rule.for ?? '0s', sloTest(spec, c), c, rule));
  }
  return { rule_files: ruleFiles, evaluation_interval: `${STEP}s`, tests };
}
