import { escapeLabelValue } from './escape.js';
import { formatLe, formatValue } from './format.js';
import type { MirroredSeries } from './mirror.js';
import type { Series } from './series.js';
import type { SummaryWindow } from './sketch.js';
import type { Family } from './store.js';

/** The store's own series of one family, under `name` (the schema's name, maybe prefixed). */
export function renderSeries(family: Family, om: boolean, name: string): string {
  let out = '';
  if (family.summary) return renderSummaries(family, family.summary, name);
  if (family.def.kind !== 'histogram') {
    for (const s of family.all() as Iterable<Series>) {
      if (s.kind === 'histogram' || s.kind === 'summary') continue;
      const v = s.value;
      out += s.labelText
        ? `${name}{${s.labelText}} ${formatValue(v)}\n`
        : `${name} ${formatValue(v)}\n`;
    }
    return out;
  }
  const bounds = family.bounds;
  const le: string[] = [];
  for (let i = 0; i < bounds.length; i++) le.push(`le="${formatLe(bounds[i]!, om)}"`);
  le.push('le="+Inf"');
  const bucket = `${name}_bucket{`;
  for (const s of family.all() as Iterable<Series>) {
    if (s.kind !== 'histogram') continue;
    const labels = s.labelText;
    const sep = labels ? `${labels},` : '';
    let cumulative = 0;
    const counts = s.counts;
    const exemplars = om ? s.exemplars : undefined;
    for (let i = 0; i < counts.length; i++) {
      cumulative += counts[i]!;
      const e = exemplars?.[i];
      out +=
        e === undefined
          ? `${bucket}${sep}${le[i]}} ${cumulative}\n`
          : `${bucket}${sep}${le[i]}} ${cumulative} # {trace_id="${e.traceId}"} ${formatValue(e.value)} ${e.timestamp}\n`;
    }
    const braces = labels ? `{${labels}}` : '';
    out += `${name}_sum${braces} ${formatValue(s.sum)}\n${name}_count${braces} ${s.count}\n`;
  }
  return out;
}

/**
 * `name{…,quantile="0.5"} v` per quantile, then `_sum` and `_count`, as the 0.0.4 text format and
 * OpenMetrics both write a summary (no `_created`: we write none for histograms either). The
 * window is read at one instant for the whole family.
 */
function renderSummaries(family: Family, window: SummaryWindow, name: string): string {
  const quantile = window.quantiles.map((q) => `quantile="${formatValue(q)}"`);
  const now = window.clock();
  let out = '';
  for (const s of family.all() as Iterable<Series>) {
    if (s.kind !== 'summary') continue;
    const labels = s.labelText;
    const sep = labels ? `${labels},` : '';
    const values = s.quantileValues(now);
    for (let i = 0; i < values.length; i++)
      out += `${name}{${sep}${quantile[i]}} ${formatValue(values[i]!)}\n`;
    const braces = labels ? `{${labels}}` : '';
    out += `${name}_sum${braces} ${formatValue(s.sum)}\n${name}_count${braces} ${s.count}\n`;
  }
  return out;
}

/** Mirrored series carry their own labels and, for histograms, the engine's own buckets. */
export function renderMirrored(
  family: Family,
  series: readonly MirroredSeries[],
  om: boolean,
  name: string,
): string {
  const histogram = family.def.kind === 'histogram';
  // No engine source mirrors a summary; a value offered for one has no shape that fits.
  if (family.def.kind === 'summary') return '';
  let out = '';
  for (const s of series) {
    const v = s.value;
    // A source whose value does not fit the family's kind is skipped, never rendered wrongly.
    if (histogram !== (typeof v !== 'number')) continue;
    if (typeof v !== 'number' && v.cumulative.length !== v.bounds.length + 1) continue;
    let labels = '';
    for (const [k, val] of s.labels)
      if (val !== '')
        labels += `${labels ? ',' : ''}${k}="${escapeLabelValue(family.labelValue(val))}"`;
    if (family.constText) labels += labels ? `,${family.constText}` : family.constText;
    const braces = labels ? `{${labels}}` : '';
    if (typeof v === 'number') {
      out += `${name}${braces} ${formatValue(v)}\n`;
      continue;
    }
    const sep = labels ? `${labels},` : '';
    for (let i = 0; i < v.cumulative.length; i++) {
      const bound = i < v.bounds.length ? formatLe(v.bounds[i]!, om) : '+Inf';
      out += `${name}_bucket{${sep}le="${bound}"} ${formatValue(v.cumulative[i]!)}\n`;
    }
    if (v.sum !== undefined) out += `${name}_sum${braces} ${formatValue(v.sum)}\n`;
    out += `${name}_count${braces} ${formatValue(v.count)}\n`;
  }
  return out;
}
