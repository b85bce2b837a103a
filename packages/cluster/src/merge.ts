import { formatValue, schema } from '@inferlens/core/internal';
import { type MetricFamily, parse, type Sample } from '@inferlens/prom-parse';

/** One worker's exposition (Prometheus text) and its id. */
export interface WorkerText {
  worker: string;
  text: string;
}

/**
 * Labels that mark a series as a reading of something outside the process (an engine target, a
 * GPU): every worker that polls it reports the same value, so it is taken once, never summed.
 */
const SHARED_LABELS = ['target', 'gpu'];

/** Gauges whose meaning is a fraction (KV usage, utilization): the workers' values are averaged. */
const AVERAGED = new Set<string>(
  Object.values(schema)
    .filter((d) => d.kind === 'gauge' && (d.promUnit === 'ratio' || d.unit === '1'))
    .map((d) => d.prometheus),
);

interface Merged {
  name: string;
  labels: [string, string][];
  value: number;
  /** Workers that added to it (for averages). */
  n: number;
}

// The text format's label-value escapes (core keeps its own copy internal).
const escapeValue = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * Merges the workers' expositions into one, as the process group's: counters, histograms and
 * summary counts add up; gauges add up (requests running, waiting) unless they are a fraction
 * (`*_ratio`, unit 1: averaged); series of a shared thing (`target`, `gpu` labels: an engine
 * source or a GPU every worker polls) are taken once. With `workerLabel`, every series keeps a
 * `worker` label instead and nothing is merged. Summary quantiles cannot be merged: the highest
 * worker's is shown.
 *
 * @example
 * mergeExpositions([{ worker: '1', text: a }, { worker: '2', text: b }]) // one Prometheus text
 */
export function mergeExpositions(texts: readonly WorkerText[], workerLabel = false): string {
  const families = new Map<string, { family: MetricFamily; series: Map<string, Merged> }>();
  for (const { worker, text } of texts) {
    for (const f of parse(text).families) {
      let entry = families.get(f.name);
      if (!entry) families.set(f.name, (entry = { family: f, series: new Map() }));
      for (const s of f.samples) add(entry.series, f, s, worker, workerLabel);
    }
  }
  let out = '';
  for (const { family, series } of families.values()) {
    if (family.help !== undefined) out += `# HELP ${family.name} ${family.help}\n`;
    out += `# TYPE ${family.name} ${family.type === 'unknown' ? 'untyped' : family.type}\n`;
    for (const m of series.values()) {
      const labels = m.labels.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',');
      const value = AVERAGED.has(family.name) && !workerLabel ? m.value / m.n : m.value;
      out += `${m.name}${labels ? `{${labels}}` : ''} ${formatValue(value)}\n`;
    }
  }
  return out;
}

function add(
  series: Map<string, Merged>,
  f: MetricFamily,
  s: Sample,
  worker: string,
  workerLabel: boolean,
): void {
  const shared = SHARED_LABELS.some((l) => s.labels[l] !== undefined);
  const labels = Object.entries(s.labels);
  if (workerLabel && !shared) labels.push(['worker', worker]);
  // `le` stays where the worker wrote it (last); the key ignores order.
  const key = `${s.name}\u0001${labels
    .map(([k, v]) => `${k}\u0002${v}`)
    .sort()
    .join('\u0001')}`;
  const found = series.get(key);
  if (!found) {
    series.set(key, { name: s.name, labels, value: s.value, n: 1 });
    return;
  }
  if (shared) return; // the same engine target or GPU, read by another worker
  const quantile = f.type === 'summary' && s.labels.quantile !== undefined;
  found.value = quantile ? Math.max(found.value, s.value) : found.value + s.value;
  found.n++;
}
