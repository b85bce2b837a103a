import type { MetricId } from '@inferlens/core';
import type { Labels } from '@inferlens/prom-parse';
import type { SampleIndex } from './samples.js';
import type { SeriesKey, SnapshotBuilder } from './snapshot.js';

/** Standard rows and the engine names that fill them, the current spelling first. */
export type NameTable = readonly (readonly [MetricId, readonly string[]])[];

/** An engine's name tables; histograms are family base names (`x` for `x_bucket`). */
export interface NameTables {
  gauges?: NameTable;
  counters?: NameTable;
  histograms?: NameTable;
  /** How two engine gauges on one standard series merge (default `sum`). */
  gaugeMerge?: (id: MetricId) => 'sum' | 'max';
}

/** The first of `names` the scrape has: a current spelling wins over a deprecated one. */
export function firstPresent(
  samples: SampleIndex,
  names: readonly string[],
  suffix = '',
): string | undefined {
  return names.find((n) => samples.has(n + suffix));
}

/**
 * Copies every sample named in `tables` onto its standard row, one name per row (the first the
 * scrape has, so a version exporting an old and a new spelling side by side counts once).
 *
 * @example
 * mapByName(samples, { gauges: [['requestsRunning', ['sglang:num_running_reqs']]] }, (l) => ({ model: l.model_name ?? 'unknown' }), out);
 */
export function mapByName(
  samples: SampleIndex,
  tables: NameTables,
  keyOf: (labels: Labels) => SeriesKey,
  out: SnapshotBuilder,
): void {
  for (const [id, names] of tables.gauges ?? []) {
    const name = firstPresent(samples, names);
    if (!name) continue;
    const merge = tables.gaugeMerge?.(id) ?? 'sum';
    for (const s of samples.get(name)) out.gauge(id, keyOf(s.labels), s.value, merge);
  }
  for (const [id, names] of tables.counters ?? []) {
    const name = firstPresent(samples, names);
    if (!name) continue;
    for (const s of samples.get(name)) out.counter(id, keyOf(s.labels), s.value);
  }
  for (const [id, names] of tables.histograms ?? []) {
    const name = firstPresent(samples, names, '_bucket');
    if (!name) continue;
    for (const h of samples.histograms(name)) out.histogram(id, keyOf(h.labels), h.histogram);
  }
}
