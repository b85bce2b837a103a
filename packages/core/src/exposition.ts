import { fail } from './errors.js';
import { escapeHelp, escapeHelpOpenMetrics } from './escape.js';
import { renderMirrored, renderSeries } from './exposition-series.js';
import { type MetricDefinition, type MetricId, metricIds, schema } from './schema/index.js';
import type { Family, Store } from './store.js';

export { formatLe, formatValue } from './format.js';

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

/** Options of {@link render}, `lens.render()` and `lens.scrape()`. */
export interface RenderOptions {
  /**
   * Put before metric names (`gw_` gives `gw_http_requests_total`), in HELP, TYPE, UNIT and every
   * sample. Must match `[a-zA-Z_:][a-zA-Z0-9_:]*`; `''` means none.
   */
  prefix?: string;
  /** Only these metrics get the prefix (e.g. the HTTP rows); default every metric. */
  prefixOnly?: readonly MetricId[];
  /**
   * Longest exposition written, in characters (default: the store's `maxScrapeLength`, 64 MiB).
   * Families that would pass it are left out and counted, never half written.
   */
  maxLength?: number;
}

const METRIC_PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * True when `prefix` can start a metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`). Check it at setup:
 * `render` throws on an invalid one.
 *
 * @example
 * if (!isMetricPrefix('gw_')) throw new Error('bad prefix'); // then scrape(…, { prefix: 'gw_' })
 */
export function isMetricPrefix(prefix: string): boolean {
  return typeof prefix === 'string' && METRIC_PREFIX.test(prefix);
}

/**
 * Renders one store, or several as one exposition (series of a metric share one HELP/TYPE block
 * whichever store holds them), in the Prometheus text format 0.0.4 or OpenMetrics 1.0. Mirrored
 * series (engine sources) are rendered after the store's own. With `prefix`, every metric name
 * (or those of `prefixOnly`) starts with it.
 *
 * Written by hand rather than through prom-client: label text is escaped once when a series is
 * created, so rendering is concatenation of ready strings and numbers.
 *
 * @example
 * render(lens.store, 'prometheus', { prefix: 'gw_' }); // gw_llm_requests_total{…} 3
 */
export function render(
  stores: Store | readonly Store[],
  format: ExpositionFormat = 'prometheus',
  options: RenderOptions = {},
): string {
  const { om, list, nameOf, first, limit } = renderSetup(stores, format, options);
  let out = '';
  for (const id of metricIds) {
    const name = nameOf(id);
    let body = '';
    // A scrape never throws: a family that breaks rendering (a string past V8's limit, a broken
    // mirror) or would pass the length bound is left out whole, so the exposition stays valid,
    // and counted as eventsDropped{reason="scrape_too_large"}.
    try {
      for (const store of list) {
        const family = store.family(id) as unknown as Family;
        if (family.size > 0) body += renderSeries(family, om, name);
        const mirrored = store.mirrored(id);
        if (mirrored.length > 0) body += renderMirrored(family, mirrored, om, name);
      }
      if (!body) continue;
      body = header(schema[id], om, name) + body;
    } catch {
      body = '';
    }
    if (body && out.length + body.length <= limit) out += body;
    else first?.family('eventsDropped').series(['scrape_too_large']).inc();
  }
  return om ? `${out}# EOF\n` : out;
}

/** What every renderer reads from its arguments, checked once per render. */
export function renderSetup(
  stores: Store | readonly Store[],
  format: ExpositionFormat,
  options: RenderOptions,
): {
  om: boolean;
  list: readonly Store[];
  nameOf: (id: MetricId) => string;
  first: Store | undefined;
  limit: number;
} {
  const list: readonly Store[] = Array.isArray(stores) ? stores : [stores as Store];
  const nameOf = prefixer(options);
  const first = list[0];
  const limit = options?.maxLength ?? first?.maxScrapeLength ?? Number.POSITIVE_INFINITY;
  if (!(limit > 0)) fail('render: maxLength must be a positive number of characters');
  return { om: format === 'openmetrics', list, nameOf, first, limit };
}

/** The name each metric is written under; checks the options once per render. */
function prefixer(options: RenderOptions): (id: MetricId) => string {
  const { prefix = '', prefixOnly } = options ?? {};
  if (prefix !== '' && !isMetricPrefix(prefix))
    fail(`render: prefix ${JSON.stringify(prefix)} must match [a-zA-Z_:][a-zA-Z0-9_:]*`);
  if (prefixOnly !== undefined) {
    if (!Array.isArray(prefixOnly)) fail('render: prefixOnly must be an array of metric ids');
    for (const id of prefixOnly)
      if (!(id in schema)) fail(`render: prefixOnly has unknown metric id "${id}"`);
  }
  if (prefix === '') return (id) => schema[id].prometheus;
  if (prefixOnly === undefined) return (id) => prefix + schema[id].prometheus;
  const only = new Set<MetricId>(prefixOnly);
  return (id) => (only.has(id) ? prefix : '') + schema[id].prometheus;
}

export function header(def: MetricDefinition, om: boolean, name: string): string {
  // OpenMetrics names the counter family without `_total` and adds it back on the sample.
  const familyName = om && def.kind === 'counter' ? name.replace(/_total$/, '') : name;
  let out = `# HELP ${familyName} ${om ? escapeHelpOpenMetrics(def.help) : escapeHelp(def.help)}\n# TYPE ${familyName} ${def.kind}\n`;
  if (om && def.promUnit && familyName.endsWith(`_${def.promUnit}`))
    out += `# UNIT ${familyName} ${def.promUnit}\n`;
  return out;
}
