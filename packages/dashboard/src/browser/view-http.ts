import type { DashboardNames } from '../names.js';
import type { Sample } from './parse.js';
import type { Histograms } from './quantile.js';
import type { Step } from './window.js';

export interface RouteRow {
  method: string;
  route: string;
  /** Requests per second over the window. */
  rps: number;
  /** Fractions of the window's requests with outcome `error` and `aborted`. */
  errors: number;
  aborts: number;
  p50: number;
  p95: number;
  ttfb95: number;
}

/** The HTTP tiles (by key) and the per-route table. */
export interface HttpView {
  tiles: Record<string, number>;
  routes: RouteRow[];
}

/**
 * HTTP figures from the increases over a window of scrapes (rates, error and abort ratios,
 * duration and TTFB quantiles; NaN before the second scrape or without traffic) and the latest
 * scrape (in-flight). Routes with traffic in the window, busiest first, at most `maxRows`.
 *
 * @example
 * httpView(windowOf(steps), latest.samples, names, { quantile: seriesQuantile, add: addToBuckets }, 20);
 */
export function httpView(
  window: Step | undefined,
  current: readonly Sample[],
  names: DashboardNames,
  hist: Histograms,
  maxRows: number,
): HttpView {
  const seconds = window?.seconds ?? 0;
  const rate = (n: number): number => (seconds > 0 ? n / seconds : Number.NaN);
  const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : Number.NaN);
  const { method, route, outcome } = names.labels;
  const fresh = (m: string, r: string) => ({
    method: m,
    route: r,
    total: 0,
    errors: 0,
    aborts: 0,
    duration: new Map<string, Map<number, number>>(),
    ttfb: new Map<string, Map<number, number>>(),
  });
  const all = fresh('', '');
  const routes = new Map<string, ReturnType<typeof fresh>>();
  const routeOf = (s: Sample) => {
    const m = s.labels[method] ?? '';
    const r = s.labels[route] ?? '';
    const key = `${m} ${r}`;
    let t = routes.get(key);
    if (t === undefined) routes.set(key, (t = fresh(m, r)));
    return t;
  };
  for (const s of window?.increases ?? []) {
    if (s.name === names.httpRequests) {
      const o = s.labels[outcome];
      for (const t of [all, routeOf(s)]) {
        t.total += s.value;
        if (o === names.outcomes.error) t.errors += s.value;
        if (o === names.outcomes.aborted) t.aborts += s.value;
      }
    } else if (s.name === names.httpDurationBucket) {
      hist.add(all.duration, s.labels, s.value);
      hist.add(routeOf(s).duration, s.labels, s.value);
    } else if (s.name === names.httpTtfbBucket) {
      hist.add(all.ttfb, s.labels, s.value);
      hist.add(routeOf(s).ttfb, s.labels, s.value);
    }
  }
  let inFlight = 0;
  for (const s of current) if (s.name === names.httpInFlight) inFlight += s.value;
  const rows = [...routes.values()]
    .filter((t) => t.total > 0)
    .sort(
      (a, b) => b.total - a.total || (`${a.route} ${a.method}` < `${b.route} ${b.method}` ? -1 : 1),
    )
    .slice(0, maxRows)
    .map((t) => ({
      method: t.method,
      route: t.route,
      rps: rate(t.total),
      errors: ratio(t.errors, t.total),
      aborts: ratio(t.aborts, t.total),
      p50: hist.quantile(0.5, t.duration),
      p95: hist.quantile(0.95, t.duration),
      ttfb95: hist.quantile(0.95, t.ttfb),
    }));
  return {
    tiles: {
      'http.rps': rate(all.total),
      'http.errors': ratio(all.errors, all.total),
      'http.aborts': ratio(all.aborts, all.total),
      'http.inFlight': inFlight,
      'http.p50': hist.quantile(0.5, all.duration),
      'http.p95': hist.quantile(0.95, all.duration),
      'http.ttfb50': hist.quantile(0.5, all.ttfb),
      'http.ttfb95': hist.quantile(0.95, all.ttfb),
    },
    routes: rows,
  };
}
