import { spawn, spawnSync } from 'node:child_process';
import type { MetricFamily } from '@inferlens/prom-parse';

/** One promlint finding: the metric and what `promtool check metrics` says about it. */
export interface LintLine {
  metric: string;
  message: string;
}

const camel = /[a-z][A-Z]/;
const ABBREVIATED = /(?:^|_)(?:ms|msec|sec|secs|usec|us|ns|nsec|kb|mb|gb|pct)(?:_|$)/;

/**
 * The checks of `promtool check metrics` (client_golang's promlint) that apply to text alone:
 * HELP, colons, camelCase, `_total` on counters only, histogram/summary suffixes on other types,
 * abbreviated or non-base units. Used when promtool is not on PATH.
 */
export function lint(families: readonly MetricFamily[]): LintLine[] {
  const out: LintLine[] = [];
  const add = (metric: string, message: string) => out.push({ metric, message });
  for (const f of families) {
    const n = f.name;
    if (f.type === 'counter' && n.endsWith('_created')) continue;
    if (f.help === undefined || f.help === '') add(n, 'no help text');
    if (n.includes(':')) add(n, "metric names should not contain ':'");
    if (camel.test(n)) add(n, "metric names should be written in 'snake_case' not 'camelCase'");
    if (f.type === 'counter' && !f.samples.every((s) => s.name.endsWith('_total')))
      add(n, 'counter metrics should have "_total" suffix');
    if (f.type !== 'counter' && n.endsWith('_total'))
      add(n, 'non-counter metrics should not have "_total" suffix');
    if (f.type !== 'histogram' && f.type !== 'summary')
      for (const suffix of ['_sum', '_count', '_bucket'])
        if (n.endsWith(suffix))
          add(n, `non-histogram and non-summary metrics should not have "${suffix}" suffix`);
    if (ABBREVIATED.test(n)) add(n, 'metric names should not contain abbreviated units');
    if (/milliseconds|microseconds|nanoseconds/.test(n)) add(n, 'use base unit "seconds"');
    const labels = new Set(f.samples.flatMap((s) => Object.keys(s.labels)));
    for (const l of labels)
      if (camel.test(l)) add(n, `label names should be written in 'snake_case' not 'camelCase'`);
  }
  return out;
}

let promtoolOnPath: boolean | undefined;

/**
 * Runs `promtool check metrics` on `text` when promtool is on PATH (undefined otherwise, or when it
 * does not answer in `timeoutMs`). Its findings are lines `name message`.
 */
export async function promtoolLint(
  text: string,
  timeoutMs = 10_000,
): Promise<LintLine[] | undefined> {
  promtoolOnPath ??= spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!promtoolOnPath) return undefined;
  return new Promise((resolve) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const collect = (d: Buffer) => {
      if (output.length < 1 << 20) output += d;
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', () => resolve(undefined));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) return resolve(undefined);
      const lines = output.split('\n').filter((l) => l.trim() !== '');
      resolve(
        code === 0 && lines.length === 0
          ? []
          : lines.map((l) => {
              // `error while linting: text format parsing error in line 14: …` has no metric.
              if (/^error while linting/i.test(l)) return { metric: '', message: l };
              const space = l.indexOf(' ');
              return { metric: l.slice(0, space), message: l.slice(space + 1) };
            }),
      );
    });
    child.stdin.on('error', () => {});
    child.stdin.end(text);
  });
}

/** Lint lines grouped by message: `no help text (3): a, b, c`. */
export function groupLint(lines: readonly LintLine[]): { message: string; metrics: string[] }[] {
  const by = new Map<string, string[]>();
  for (const l of lines) by.set(l.message, [...(by.get(l.message) ?? []), l.metric]);
  return [...by].map(([message, metrics]) => ({ message, metrics }));
}
