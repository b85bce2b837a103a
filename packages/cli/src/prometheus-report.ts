import type { PrometheusReport } from './prometheus.js';
import { some } from './series.js';
import { colors as c } from './ui.js';

const bullet = (s: string) => `            · ${s}`;
const head = (label: string, text: string) => `  ${c.bold(label.padEnd(9))} ${text}`;

/** `check --prometheus` for a person: targets, rules, dashboard queries, alerts, verdict. */
export function renderPrometheus(r: PrometheusReport): string[] {
  const out = [c.bold(`Prometheus ${r.url}`)];
  if (r.error && r.targets.length === 0) return [...out, head('error', c.red(r.error))];
  const up = r.targets.filter((t) => t.health === 'up');
  const jobs = [...new Set(r.targets.map((t) => t.job))];
  out.push(
    head('targets', `${up.length} of ${r.targets.length} up (jobs: ${some(jobs, 6) || 'none'})`),
  );
  for (const t of r.targets.filter((x) => x.health !== 'up'))
    out.push(
      bullet(c.red(`${t.job}/${t.instance} ${t.health}${t.lastError ? `: ${t.lastError}` : ''}`)),
    );
  const rl = r.rules;
  out.push(
    head(
      'rules',
      `${rl.loaded} of ${rl.expected} generated rules loaded, ${rl.unhealthy.length} failing${rl.missingGroups.length ? `; groups missing: ${some(rl.missingGroups)}` : ''}`,
    ),
  );
  const qs = r.queries;
  out.push(head('queries', `${qs.withData} of ${qs.total} dashboard queries return data`));
  const panels = new Map<string, number>();
  for (const e of qs.empty) panels.set(e, (panels.get(e) ?? 0) + 1);
  for (const [panel, n] of [...panels].slice(0, 8))
    out.push(bullet(`${c.yellow('no data')} ${panel}${n > 1 ? ` (${n} queries)` : ''}`));
  if (panels.size > 8) out.push(bullet(`and ${panels.size - 8} more panels`));
  for (const e of qs.failed.slice(0, 5)) out.push(bullet(c.red(e)));
  const firing = r.alerts.filter((a) => a.state === 'firing');
  const pending = r.alerts.filter((a) => a.state === 'pending');
  out.push(head('alerts', `${firing.length} firing, ${pending.length} pending`));
  for (const a of [...firing, ...pending])
    out.push(
      bullet(
        `${a.state === 'firing' ? c.red(a.state) : c.yellow(a.state)} ${a.name}${a.labels.model_name ? ` (${a.labels.model_name})` : ''}`,
      ),
    );
  if (r.error) out.push(head('error', c.red(r.error)));
  const problems = r.findings.filter((f) => f.level === 'problem').length;
  out.push(
    '',
    problems
      ? c.red(`${problems} problem(s) found`)
      : c.green('healthy: targets up, rules loaded, no alert firing'),
  );
  return out;
}
