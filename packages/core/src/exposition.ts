import { escapeHelp, escapeHelpOpenMetrics } from './escape.js';
import type { Series } from './series.js';
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
function formatLe(v: number, openMetrics: boolean): string {
  const s = String(v);
  return openMetrics && Number.isInteger(v) && !s.includes('e') ? `${s}.0` : s;
}

/**
 * Renders the store in the Prometheus text format 0.0.4 or OpenMetrics 1.0.
 *
 * Written by hand rather than through prom-client: label text is escaped once when a series is
 * created, so rendering is concatenation of ready strings and numbers.
 */
export function render(store: Store, format: ExpositionFormat = 'prometheus'): string {
  const om = format === 'openmetrics';
  let out = '';
  for (const family of store.families()) {
    if (family.size === 0) continue;
    out += renderFamily(family, om);
  }
  return om ? `${out}# EOF\n` : out;
}

function renderFamily(family: Family, om: boolean): string {
  const def = family.def;
  const name = def.prometheus;
  // OpenMetrics names the counter family without `_total` and adds it back on the sample.
  const familyName = om && def.kind === 'counter' ? name.replace(/_total$/, '') : name;
  let out = `# HELP ${familyName} ${om ? escapeHelpOpenMetrics(def.help) : escapeHelp(def.help)}\n# TYPE ${familyName} ${def.kind}\n`;
  if (om && def.promUnit && familyName.endsWith(`_${def.promUnit}`))
    out += `# UNIT ${familyName} ${def.promUnit}\n`;
  if (def.kind !== 'histogram') {
    for (const s of family.all() as Iterable<Series>) {
      if (s.kind === 'histogram') continue;
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
