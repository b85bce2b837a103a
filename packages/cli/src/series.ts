import type { Labels, MetricFamily, Sample } from '@inferlens/prom-parse';

/** `name{a="1",b="2"}` with labels sorted: one series' identity. */
export function seriesKey(name: string, labels: Labels, skip?: string): string {
  const keys = Object.keys(labels)
    .filter((k) => k !== skip)
    .sort();
  if (keys.length === 0) return name;
  return `${name}{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`;
}

/** Every sample of the scrape with its family. */
export function* samplesOf(families: readonly MetricFamily[]): Generator<[MetricFamily, Sample]> {
  for (const f of families) for (const s of f.samples) yield [f, s];
}

/** Counter values by series key: counters' `_total`, histograms' and summaries' `_count`/`_sum`/`_bucket`. */
export function monotonic(families: readonly MetricFamily[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [f, s] of samplesOf(families)) {
    const isCounter = f.type === 'counter' && !s.name.endsWith('_created');
    const isCumulative =
      (f.type === 'histogram' || f.type === 'summary') &&
      (s.name.endsWith('_count') || s.name.endsWith('_bucket'));
    if (isCounter || isCumulative) out.set(seriesKey(s.name, s.labels), s.value);
  }
  return out;
}

/** All values by series key, to tell whether anything moved between two scrapes. */
export function valuesByKey(families: readonly MetricFamily[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [, s] of samplesOf(families)) out.set(seriesKey(s.name, s.labels), s.value);
  return out;
}

/** Shows at most `n` items and says how many more there were. */
export function some(items: readonly string[], n = 3): string {
  const shown = items.slice(0, n).join(', ');
  return items.length > n ? `${shown} and ${items.length - n} more` : shown;
}
