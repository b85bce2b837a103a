import { histogramQuantile } from '@inferlens/core';
import { formatValue, sparklinePoints } from './format.js';
import { type DashboardConfig, type DashboardLib, dashboardMain } from './main.js';
import { DASHBOARD_CSS, dashboardBody } from './markup.js';
import { dashboardNames } from './names.js';
import { parseExposition, parseNumber, parseSampleLine } from './parse.js';
import { addToBuckets, seriesQuantile } from './quantile.js';
import { renderRows, renderScrape, renderStatus, renderTiles } from './render.js';
import { httpView } from './view-http.js';
import { llmView } from './view-llm.js';
import { stepBetween, windowOf } from './window.js';

/** The browser functions, under the names `dashboardMain` calls them by. */
const LIB: DashboardLib = {
  parseExposition,
  stepBetween,
  windowOf,
  histogramQuantile,
  seriesQuantile,
  addToBuckets,
  httpView,
  llmView,
  formatValue,
  sparklinePoints,
  renderTiles,
  renderRows,
  renderStatus,
  renderScrape,
};
/** Functions the ones above call directly, within their own file. */
const HELPERS = [parseSampleLine, parseNumber];

/**
 * esbuild's `keepNames` (on in tsx, which many apps run under, and in some bundler setups) wraps
 * named inner functions as `__name(fn, "name")` inside the very bodies `toString()` returns; the
 * page defines the helper as esbuild does. test/dashboard-browser.test.ts runs a tsx-served page.
 */
const KEEP_NAMES =
  "const __name = (target, value) => Object.defineProperty(target, 'name', { value, configurable: true });";

const INTERVAL_MS = 2000;
const HISTORY_POINTS = 150; // 5 minutes at one point per scrape

export interface DashboardPageOptions {
  dashboardPath: string;
  metricsPath: string;
  statusPath: string | false;
  /** `bearer`: the page asks for a token; `basic`: the browser resends its credentials. */
  auth: DashboardConfig['auth'];
  /** The header a `bearer`-mode token goes in raw (`x-api-key`); null: `Authorization: Bearer`. */
  authHeader?: string | null;
  /** The endpoints' metric name prefix (see `EndpointOptions.prefix`). */
  prefix: string;
}

export interface DashboardPage {
  html: string;
  /** The inline script and stylesheet, for the Content-Security-Policy hashes. */
  script: string;
  style: string;
}

/**
 * The dashboard page: one HTML document with its CSS and JS inline (no CDN, no build step), and
 * no data in it: it fetches `/metrics` and `/status` itself, by URLs relative to the page. The
 * browser code is the tested code: each function goes in as its own `toString()`.
 *
 * @example
 * const { html } = dashboardPage({ dashboardPath: '/dashboard', metricsPath: '/metrics', statusPath: '/status', auth: 'none', prefix: '' });
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
    names: dashboardNames(o.prefix),
  };
  const declarations = [...Object.values(LIB), ...HELPERS].map((fn) => fn.toString());
  const lib = Object.entries(LIB).map(([key, fn]) => `${key}: ${fn.name}`);
  // `<` escaped so no path or name can close the script element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const script = `(() => {\n'use strict';\n${KEEP_NAMES}\n${declarations.join('\n')}\n(${dashboardMain.toString()})(${json}, { ${lib.join(', ')} });\n})();`;
  if (/<\/script/i.test(script))
    throw new Error('[@inferlens/http] dashboard script closes its element');
  const minutes = (HISTORY_POINTS * INTERVAL_MS) / 60_000;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>inferlens dashboard</title>
<style>${DASHBOARD_CSS}</style></head>
<body>${dashboardBody(config.metricsUrl, config.statusUrl, INTERVAL_MS, minutes)}
<script>${script}</script></body></html>
`;
  return { html, script, style: DASHBOARD_CSS };
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
