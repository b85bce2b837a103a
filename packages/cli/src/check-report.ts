import type { TargetReport } from './check.js';
import { some } from './series.js';
import { bytes, colors as c, duration } from './ui.js';

const bullet = (s: string) => `            · ${s}`;
const head = (label: string, text: string) => `  ${c.bold(label.padEnd(9))} ${text}`;

/** A target's report as lines for a person; the same facts as `--json`, problems first in colour. */
export function renderTarget(r: TargetReport): string[] {
  const out = [c.bold(r.url)];
  if (r.error) {
    out.push(head('error', c.red(r.error)));
    return out;
  }
  const s = r.scrape!;
  out.push(head('engine', r.engine!.description), ...r.engine!.evidence.map(bullet));
  out.push(
    head(
      'scrape',
      `${bytes(s.bytes)} in ${duration(s.seconds)} (${s.format}): ${s.families} families, ${s.series} series`,
    ),
  );
  if (r.movement && r.movement.compared > 0) {
    const m = r.movement;
    out.push(
      bullet(
        `second scrape ${m.intervalSeconds} s later: ${m.changed} of ${m.compared} series changed${m.changed === 0 ? ' — stale: the server is idle, or its exporter is frozen' : ''}`,
      ),
    );
  }
  if (r.standard) {
    const { present, missing } = r.standard;
    out.push(
      head(
        'standard',
        `${present.length} of ${present.length + missing.length} standard series present`,
      ),
    );
    const important = missing.filter((m) => m.means);
    for (const m of important) out.push(bullet(`${c.yellow('missing')} ${m.standard}: ${m.means}`));
    const rest = missing.filter((m) => !m.means).map((m) => m.standard);
    if (rest.length) out.push(bullet(`also missing (their panels stay empty): ${some(rest, 6)}`));
  }
  const problems = r.findings.filter((f) => f.level === 'problem');
  const warnings = r.findings.filter((f) => f.level === 'warning');
  out.push(head('problems', problems.length ? c.red(String(problems.length)) : c.green('none')));
  out.push(...problems.map((f) => bullet(c.red(f.message))));
  if (warnings.length)
    out.push(head('warnings', String(warnings.length)), ...warnings.map((f) => bullet(f.message)));
  if (r.lint) {
    const by =
      r.lint.by === 'promtool' ? 'promtool check metrics' : 'built-in lint (promtool not on PATH)';
    out.push(head('lint', r.lint.groups.length ? `${by}:` : `${by}: clean`));
    for (const g of r.lint.groups)
      out.push(
        bullet(
          g.metrics.every((m) => m === '')
            ? g.message
            : `${g.message} (${g.metrics.length}): ${some(g.metrics, 2)}`,
        ),
      );
  }
  const card = r.cardinality!;
  if (card.families.length)
    out.push(
      head(
        'largest',
        `families: ${card.families
          .slice(0, 3)
          .map((f) => `${f.name} ${f.series}`)
          .join(', ')}`,
      ),
    );
  if (card.labels.length)
    out.push(
      bullet(
        `labels: ${card.labels
          .slice(0, 3)
          .map((l) => `${l.family}{${l.label}} ${l.values} values`)
          .join(', ')}`,
      ),
    );
  return out;
}

/** The closing line: healthy, or how many problems where. */
export function verdict(reports: readonly TargetReport[]): string {
  const errors = reports.filter((r) => r.error).length;
  const problems = reports.reduce(
    (n, r) => n + r.findings.filter((f) => f.level === 'problem').length,
    0,
  );
  if (errors) return c.red(`${errors} of ${reports.length} target(s) could not be read`);
  if (problems) return c.red(`${problems} problem(s) found`);
  return c.green(`healthy: ${reports.length} target(s), no problems`);
}
