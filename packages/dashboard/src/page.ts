import { CONFIG_ELEMENT_ID, type DashboardConfig } from './browser/config.js';
import { BROWSER_SCRIPT } from './generated/script.js';
import { DASHBOARD_CSS, dashboardBody } from './markup.js';
import { dashboardNames } from './names.js';

const INTERVAL_MS = 2000;
const HISTORY_POINTS = 150; // 5 minutes at one point per scrape

/**
 * Where the page is and what it polls, relative to which it computes its URLs, and how it
 * authenticates.
 *
 * @example
 * const options: DashboardPageOptions = { dashboardPath: '/ops/dashboard', metricsPath: '/ops/metrics', statusPath: false, auth: 'bearer' };
 */
export interface DashboardPageOptions {
  dashboardPath: string;
  metricsPath: string;
  statusPath: string | false;
  /** `bearer`: the page asks for a token; `basic`: the browser resends its credentials. */
  auth: DashboardConfig['auth'];
  /** The header a `bearer`-mode token goes in raw (`x-api-key`); null: `Authorization: Bearer`. */
  authHeader?: string | null;
  /**
   * Maps each metric name the page reads as `/metrics` writes it (default: as it is), e.g. the
   * function that puts an HTTP name prefix on.
   */
  rename?: (name: string) => string;
}

/**
 * The page: its HTML, and its inline script and stylesheet (which the CSP hashes).
 *
 * @example
 * const { html, script, style } = dashboardPage(options);
 */
export interface DashboardPage {
  html: string;
  /** The inline script and stylesheet, for the Content-Security-Policy hashes. */
  script: string;
  style: string;
}

/**
 * The dashboard page: one HTML document with its CSS and script inline (no CDN), and no data in
 * it: it fetches `/metrics` and `/status` itself, by URLs relative to the page. The script was
 * bundled at build time from `src/browser/` with core's `histogramQuantile`; it is the same for
 * every page (so its CSP hash is too) and reads its config from a JSON element of the page.
 *
 * @example
 * const { html } = dashboardPage({ dashboardPath: '/dashboard', metricsPath: '/metrics', statusPath: '/status', auth: 'none' });
 */
export function dashboardPage(o: DashboardPageOptions): DashboardPage {
  const config: DashboardConfig = {
    metricsUrl: relativeUrl(o.dashboardPath, o.metricsPath),
    statusUrl: o.statusPath === false ? null : relativeUrl(o.dashboardPath, o.statusPath),
    auth: o.auth,
    authHeader: o.authHeader ?? null,
    intervalMs: INTERVAL_MS,
    timeoutMs: INTERVAL_MS * 2,
    windowSeconds: 10,
    historyPoints: HISTORY_POINTS,
    maxRows: 20,
    names: dashboardNames(o.rename),
  };
  // `<` escaped so no path or name can close the element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const minutes = (HISTORY_POINTS * INTERVAL_MS) / 60_000;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>inferlens dashboard</title>
<style>${DASHBOARD_CSS}</style></head>
<body>${dashboardBody(config.metricsUrl, config.statusUrl, INTERVAL_MS, minutes)}
<script id="${CONFIG_ELEMENT_ID}" type="application/json">${json}</script>
<script>${BROWSER_SCRIPT}</script></body></html>
`;
  return { html, script: BROWSER_SCRIPT, style: DASHBOARD_CSS };
}

/**
 * `to` as a URL relative to the page at `from`, so the page keeps working when a proxy serves the
 * app under a path prefix: from `/dashboard`, `/metrics` is `./metrics`; from `/ops/dashboard`,
 * it is `../metrics`.
 *
 * @example
 * relativeUrl('/ops/dashboard', '/metrics'); // '../metrics'
 */
export function relativeUrl(from: string, to: string): string {
  const dir = from.split('/').slice(1, -1);
  const target = to.split('/').slice(1);
  let common = 0;
  while (common < dir.length && common < target.length - 1 && dir[common] === target[common])
    common++;
  const up = dir.length - common;
  return (up === 0 ? './' : '../'.repeat(up)) + target.slice(common).join('/');
}
