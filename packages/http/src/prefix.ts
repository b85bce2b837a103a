import { type MetricId, metricIds, schema } from '@inferlens/core/internal';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SUFFIXES = ['', '_bucket', '_sum', '_count', '_total', '_created'];

/** Schema rows the middleware records, found by id, so a new HTTP row is prefixed too. */
const HTTP_IDS = metricIds.filter((id: MetricId) => id.startsWith('http'));

/** Every metric and sample name of the HTTP rows, as both text formats write them. */
const HTTP_NAMES: ReadonlySet<string> = (() => {
  const names = new Set<string>();
  for (const id of HTTP_IDS) {
    const name = schema[id].prometheus;
    // OpenMetrics names a counter family without `_total`.
    for (const base of [name, name.replace(/_total$/, '')])
      for (const suffix of SUFFIXES) names.add(base + suffix);
  }
  return names;
})();

/** True when `prefix` can start a metric name. */
export function isValidPrefix(prefix: string): boolean {
  return NAME.test(prefix);
}

/**
 * Puts `prefix` before the HTTP metric names of an exposition (metadata and samples), leaving
 * every other family as it is: the LLM names are a standard that dashboards rely on, while
 * `http_requests_total` is what many libraries emit, so that is where a namespace helps. Runs at
 * scrape time only.
 *
 * @example
 * prefixHttpNames('http_requests_total{route="/"} 1\n', 'gw_') // 'gw_http_requests_total{route="/"} 1\n'
 */
export function prefixHttpNames(text: string, prefix: string): string {
  if (prefix === '') return text;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('# ')) {
      // `# HELP name …`, `# TYPE name …`, `# UNIT name …`
      const start = line.indexOf(' ', 2) + 1;
      const stop = line.indexOf(' ', start);
      if (start > 0 && HTTP_NAMES.has(line.slice(start, stop === -1 ? undefined : stop)))
        lines[i] = line.slice(0, start) + prefix + line.slice(start);
    } else if (line !== '') {
      let stop = 0;
      while (stop < line.length && line[stop] !== '{' && line[stop] !== ' ') stop++;
      if (HTTP_NAMES.has(line.slice(0, stop))) lines[i] = prefix + line;
    }
  }
  return lines.join('\n');
}
