import type { Result } from './harness.js';

/** Nanoseconds in a readable unit. */
export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(ns < 10 ? 2 : 1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
}

export function formatRatio(r: number): string {
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/**
 * A markdown table of results: median time per operation, the spread over rounds, and each row's
 * time divided by the baseline row's (how many times faster the baseline is).
 */
export function resultTable(results: Result[], baseline: string): string {
  const base = results.find((r) => r.name === baseline);
  if (!base) throw new Error(`no result named ${baseline}`);
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${formatNs(r.median)} | ${formatNs(r.min)} – ${formatNs(r.max)} | ${formatRatio(r.median / base.median)} |`,
  );
  return [
    `| case | median per op | min – max over rounds | time ÷ ${baseline} |`,
    '|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** One line saying whether a target holds, with the real ratio. */
export function verdict(
  label: string,
  ratio: number,
  target: number,
  direction: '≥' | '≤',
): string {
  const met = direction === '≥' ? ratio >= target : ratio <= target;
  const shown = direction === '≤' && ratio < 1 ? `1/${(1 / ratio).toFixed(1)}` : formatRatio(ratio);
  const goal = direction === '≤' && target < 1 ? `1/${Math.round(1 / target)}` : `${target}×`;
  return `${met ? 'MET' : 'MISSED'}: ${label} ${shown} (target ${direction} ${goal})`;
}
