import { ALERTS, alertRule } from './alerts.js';
import type { MixinConfig } from './config.js';
import { context } from './recording.js';
import { describe, type SloAlertSpec, sloPlan } from './slo.js';

const list = (items: string[]) => items.map((i) => `- ${i}`).join('\n');

const SLO_RUNBOOK = (spec: SloAlertSpec, c: MixinConfig) => {
  const slo = c.slos[spec.key] as { objective: number };
  return {
    meaning: `The ${spec.slo} SLO (${describe(spec.key, slo)}, over ${c.sloPeriodDays} days) is spending its error budget ${spec.pairs
      .map((p) => `more than ${p.factor}× as fast as it may over both ${p.long} and ${p.short}`)
      .join(
        ', or ',
      )}. At 1× the budget lasts exactly the period; at 14.4× it is gone in about two days.`,
    impact:
      spec.severity === 'critical'
        ? 'Users see failures or slow answers now, and the SLO will be missed within days if nothing changes.'
        : 'A slow, steady burn: the SLO will be missed before the period ends if it goes on.',
    diagnosis: [
      'Open the SLO dashboard: which model, engine and job burn, and since when (the 5m and 1h ratios).',
      spec.key === 'availability'
        ? 'Then the LLM overview: errors by type, and whether one instance or all fail.'
        : 'Then the LLM overview: queue time, prefill and decode time tell which phase got slow.',
      'Compare with deploys, traffic changes and the KV-cache and queue alerts.',
    ],
    mitigation: [
      'Fix the cause (roll back, scale out, shed load) before tuning the alert.',
      'If the objective no longer matches what users need, change it in the mixin config: it is a product decision, not an alert threshold.',
    ],
  };
};

/**
 * One Markdown runbook per alert: what it means, what it costs users, how to diagnose it and how
 * to fix it, with the alert's expression and default threshold.
 */
export function runbooks(c: MixinConfig): { file: string; markdown: string }[] {
  const x = context(c);
  const page = (
    name: string,
    severity: string,
    threshold: string,
    expr: string,
    r: { meaning: string; impact: string; diagnosis: string[]; mitigation: string[] },
  ) => ({
    file: `${name}.md`,
    markdown: [
      `# ${name}`,
      '',
      `**Severity:** ${severity} · **Fires when:** ${threshold}`,
      '',
      '## Meaning',
      '',
      r.meaning,
      '',
      '## Impact',
      '',
      r.impact,
      '',
      '## Diagnosis',
      '',
      list(r.diagnosis),
      '',
      '## Mitigation',
      '',
      list(r.mitigation),
      '',
      '## Expression',
      '',
      '```promql',
      expr,
      '```',
      '',
      'Thresholds, `for` and severity are set in the `@inferlens/mixin` config (`thresholds`, `alerts`).',
      '',
    ].join('\n'),
  });
  const out = ALERTS.map((a) => {
    const rule = alertRule(a, { ...c, alerts: {} }, x)!;
    return page(a.name, a.severity, a.threshold(c.thresholds), rule.expr, a.runbook);
  });
  const plan = sloPlan(c);
  for (const spec of plan.alertSpecs) {
    const rule = plan.alerts.rules.find((r) => 'alert' in r && r.alert === spec.name);
    out.push(
      page(
        spec.name,
        spec.severity,
        spec.pairs
          .map((p) => `burn rate > ${p.factor}× over ${p.long} and ${p.short}`)
          .join(', or '),
        rule?.expr ?? '(disabled in this config)',
        SLO_RUNBOOK(spec, c),
      ),
    );
  }
  return out;
}
