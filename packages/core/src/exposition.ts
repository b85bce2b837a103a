import { escapeHelp, escapeHelpOpenMetrics, escapeLabelValue } from './escape.js';
import type { MirroredSeries } from './mirror.js';
import { type MetricDefinition, metricIds, schema } from './schema/index.js';
import type { Series } from './series.js';
import type { SummaryWindow } from './sketch.js';
import type { Family, Store } from './store.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/**
 * Picks the format a scraper asked for in its `Accept` header: OpenMetrics when it is acceptable
 * with a q-value at least that of text/plain, otherwise the 0.0.4 text format (the safe default for
 * curl, browsers and old scrapers).
 *
 * @example
 * negotiate('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5') // 'openmetrics'
 */
export function negotiate(accept: string | null | undefined): ExpositionFormat {
  if (!accept?.includes('openmetrics')) return 'prometheus';
  let om = -1;
  let text = -1;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    let q = 1;
    let version = '';
    for (const p of params) {
      if (p.startsWith('q=')) q = Number(p.slice(2));
      else if (p.startsWith('version=')) version = p.slice(8);
    }
    if (!(q > 0)) continue;
    // OpenMetrics 0.0.1 is what old clients asked for; we only speak 1.0.0.
    if (type === 'application/openmetrics-text' && (version === '' || version.startsWith('1.')))
      om = Math.max(om, q);
    else if (type === 'text/plain' || type === '*/*' || type === 'text/*') text = Math.max(text, q);
  }
  return om >= 0 && om >= text ? 'openmetrics' : 'prometheus';
}

/** A sample value in the text formats: Go's spelling of the special values. */
export function formatValue(v: number): string {
  if (Number.isFinite(v)) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? '+Inf' : '-Inf';
}

/** OpenMetrics wants canonical floats in `le` ("1.0", not "1"); 0.0.4 parsers accept either. */
export function formatLe(v: number, openMetrics: boolean): string {
  const s = String(v);
  return openMetrics && Number.isInteger(v) && !s.includes('e') ? `${s}.0` : s;
}

/**
 * Renders one store, or several as one exposition (series of a metric share one HELP/TYPE block
 * whichever store holds them), in the Prometheus text format 0.0.4 or OpenMetrics 1.0. Mirrored
 * series (engine sources) are rendered after the store's own.
 *
 * Written by hand rather than through prom-client: label text is escaped once when a series is
 * created, so rendering is concatenation of ready strings and numbers.
 */
export function render(
  stores: Store | readonly Store[],
  format: ExpositionFormat = 'prometheus',
): string {
  const om = format === 'openmetrics';
  const list: readonly Store[] = Array.isArray(stores) ? stores : [stores as Store];
  let out = '';
  for (const id of metricIds) {
    let body = '';
    for (const store of list) {
      const family = store.family(id) as unknown as Family;
      if (family.size > 0) body += renderSeries(family, om);
      const mirrored = store.mirrored(id);
      if (mirrored.length > 0) body += renderMirrored(family, mirrored, om);
    }
    if (body) out += header(schema[id], om) + body;
  }
  return om ? `${out}# EOF\n` : out;
}

function header(def: MetricDefinition, om: boolean): string {
  const name = def.prometheus;
  // OpenMetrics names the counter family without `_total` and adds it back on the sample.
  const familyName = om && def.kind === 'counter' ? name.replace(/_total$/, '') : name;
  let out = `# HELP ${familyName} ${om ? escapeHelpOpenMetrics(def.help) : escapeHelp(def.help)}\n# TYPE ${familyName} ${def.kind}\n`;
  if (om && def.promUnit && familyName.endsWith(`_${def.promUnit}`))
    out += `# UNIT ${familyName} ${def.promUnit}\n`;
  return out;
}

function renderSeries(family: Family, om: boolean): string {
  const name = family.def.prometheus;
  let out = '';
  if (family.summary) return renderSummaries(family, family.summary);
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
    for (let i = 0; i < counts.length; i++) {
      cumulative += counts[i]!;
      out += `${bucket}${sep}${le[i]}} ${cumulative}\n`;
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
function renderSummaries(family: Family, window: SummaryWindow): string {
  const name = family.def.prometheus;
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
function renderMirrored(family: Family, series: readonly MirroredSeries[], om: boolean): string {
  const name = family.def.prometheus;
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
      if (val !== '') labels += `${labels ? ',' : ''}${k}="${escapeLabelValue(val)}"`;
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
