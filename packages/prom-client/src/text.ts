import { familyKey } from './registry.js';

/** The sample names each metric type writes after its family name, in either format. */
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  counter: ['', '_total', '_created'],
  histogram: ['', '_bucket', '_sum', '_count', '_created'],
  summary: ['', '_sum', '_count', '_created'],
};

/**
 * The lines of an exposition minus those of the given metrics: their HELP, TYPE and UNIT lines and
 * every sample of theirs, in either format (OpenMetrics writes a counter's family without
 * `_total`).
 */
export function withoutMetrics(
  text: string,
  metrics: readonly { name: string; type: unknown }[],
): string {
  const names = new Set<string>();
  for (const { name, type } of metrics) {
    names.add(name);
    const base = familyKey(name, type);
    for (const suffix of SUFFIXES[String(type)] ?? ['']) names.add(base + suffix);
  }
  return text
    .split('\n')
    .filter((line) => !names.has(lineName(line)))
    .join('\n');
}

/** The metric a line is about: the third word of a `# HELP`-style comment, or the sample name. */
function lineName(line: string): string {
  if (line.startsWith('#')) return line.split(' ', 3)[2] ?? '';
  const end = line.search(/[{ ]/);
  return end < 0 ? line : line.slice(0, end);
}
