// Browser code: the page's entry, inlined with `toString()` and called with the config and the
// other browser functions (`lib`), since a call into another module does not survive `toString()`.

import type { histogramQuantile } from '@inferlens/core';
import type { StatusSummary } from '../status.js';
import type { formatValue, sparklinePoints } from './format.js';
import type { DashboardNames } from './names.js';
import type { parseExposition } from './parse.js';
import type { addToBuckets, seriesQuantile } from './quantile.js';
import type {
  PageDocument,
  PageElement,
  renderRows,
  renderScrape,
  renderStatus,
  renderTiles,
} from './render.js';
import type { httpView } from './view-http.js';
import type { llmView } from './view-llm.js';
import type { Scrape, Step, stepBetween, windowOf } from './window.js';

/** What the server tells the page: where to poll, how often, and the names to read. */
export interface DashboardConfig {
  /** URLs relative to the page, so the page works behind a proxy's path prefix. */
  metricsUrl: string;
  statusUrl: string | null;
  /** `bearer`: the page asks for a token; `basic`: the browser resends what it was given. */
  auth: 'none' | 'basic' | 'bearer';
  /** With `bearer`: the header the token goes in as it is (an API-key header); null: `Authorization: Bearer`. */
  authHeader: string | null;
  intervalMs: number;
  timeoutMs: number;
  windowSeconds: number;
  historyPoints: number;
  maxRows: number;
  names: DashboardNames;
}

/** The browser functions `dashboardMain` uses, by name. */
export interface DashboardLib {
  parseExposition: typeof parseExposition;
  stepBetween: typeof stepBetween;
  windowOf: typeof windowOf;
  histogramQuantile: typeof histogramQuantile;
  seriesQuantile: typeof seriesQuantile;
  addToBuckets: typeof addToBuckets;
  httpView: typeof httpView;
  llmView: typeof llmView;
  formatValue: typeof formatValue;
  sparklinePoints: typeof sparklinePoints;
  renderTiles: typeof renderTiles;
  renderRows: typeof renderRows;
  renderStatus: typeof renderStatus;
  renderScrape: typeof renderScrape;
}

interface FetchResponse {
  status: number;
  ok: boolean;
  text(): Promise<string>;
}
interface PageInput extends PageElement {
  value: string;
  addEventListener(type: string, fn: (event: { preventDefault(): void }) => void): void;
  focus(): void;
}
declare const document: PageDocument;
declare const sessionStorage: {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};
declare function fetch(url: string, init: object): Promise<FetchResponse>;
declare const AbortController: new () => { signal: unknown; abort(): void };
declare const performance: { now(): number };
declare function setTimeout(fn: () => void, ms: number): number;
declare function clearTimeout(id: number): void;

/**
 * Polls `/metrics` and `/status`, keeps the steps between scrapes for the rate window and the
 * tiles' history for the sparklines, and renders. Runs in the browser only.
 *
 * @example
 * // In the page: (dashboardMain)(config, { parseExposition, stepBetween, … });
 */
export function dashboardMain(config: DashboardConfig, lib: DashboardLib): void {
  const TOKEN_KEY = 'inferlens.dashboard.token';
  const ACCEPT = 'text/plain;version=0.0.4,application/openmetrics-text;q=0.5,*/*;q=0.1';
  const cumulative = new Set(config.names.cumulative);
  const fmt = { value: lib.formatValue, points: lib.sparklinePoints };
  const hist = {
    quantile: (q: number, b: Parameters<typeof seriesQuantile>[1]) =>
      lib.seriesQuantile(q, b, lib.histogramQuantile),
    add: lib.addToBuckets,
  };
  const history: Record<string, number[]> = {};
  const steps: Step[] = [];
  let previous: Scrape | undefined;
  let lastGood: Date | undefined;
  let timer = 0;
  let busy = false;
  const $ = (id: string) => document.getElementById(id) as PageInput | null;
  const clock = (d: Date) => d.toTimeString().slice(0, 8);

  async function get(url: string, accept: string): Promise<FetchResponse> {
    const headers: Record<string, string> = { accept };
    const token = config.auth === 'bearer' ? sessionStorage.getItem(TOKEN_KEY) : null;
    if (token) {
      if (config.authHeader === null) headers.authorization = `Bearer ${token}`;
      else headers[config.authHeader] = token;
    }
    const abort = new AbortController();
    const t = setTimeout(() => abort.abort(), config.timeoutMs);
    try {
      const init = { headers, cache: 'no-store', credentials: 'same-origin', signal: abort.signal };
      return await fetch(url, init);
    } finally {
      clearTimeout(t);
    }
  }

  async function refreshStatus(): Promise<void> {
    if (config.statusUrl === null) return lib.renderStatus(document, null, 'no status endpoint');
    try {
      const res = await get(config.statusUrl, 'application/json');
      // 503 is "not ready" and still carries the summary.
      if (res.ok || res.status === 503)
        lib.renderStatus(document, JSON.parse(await res.text()) as StatusSummary, '');
      else lib.renderStatus(document, null, `unavailable (HTTP ${res.status})`);
    } catch (error) {
      lib.renderStatus(document, null, `unavailable (${(error as Error).message})`);
    }
  }

  async function scrape(): Promise<void> {
    const res = await get(config.metricsUrl, ACCEPT);
    if (res.status === 401)
      throw new Error(
        config.auth === 'bearer'
          ? 'unauthorized: enter the bearer token'
          : 'unauthorized (HTTP 401)',
      );
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const current: Scrape = {
      at: performance.now() / 1000,
      samples: lib.parseExposition(await res.text()),
    };
    if (previous !== undefined) steps.push(lib.stepBetween(previous, current, cumulative));
    previous = current;
    const window = lib.windowOf(steps, config.windowSeconds);
    const http = lib.httpView(window, current.samples, config.names, hist, config.maxRows);
    const llm = lib.llmView(window, current.samples, config.names, hist, config.maxRows);
    lib.renderTiles(document, { ...http.tiles, ...llm.tiles }, history, config.historyPoints, fmt);
    const waiting = window === undefined ? 'waiting for a second scrape…' : undefined;
    lib.renderRows(document, 'routes', http.routes, waiting ?? 'no requests in the window', fmt);
    lib.renderRows(document, 'models', llm.models, waiting ?? 'no engine metrics yet', fmt);
    lastGood = new Date();
    const over =
      window === undefined
        ? 'rates after the next scrape'
        : `rates over ${Math.round(window.seconds)} s`;
    lib.renderScrape(document, true, `live · ${clock(lastGood)} · ${over}`);
  }

  async function tick(): Promise<void> {
    if (busy) return;
    busy = true;
    clearTimeout(timer);
    try {
      await Promise.all([scrape(), refreshStatus()]);
    } catch (error) {
      const since =
        lastGood === undefined
          ? 'no data yet'
          : `showing data from ${clock(lastGood)} (${Math.round((Date.now() - lastGood.getTime()) / 1000)} s ago)`;
      const why = (error as Error).name === 'AbortError' ? 'timed out' : (error as Error).message;
      lib.renderScrape(document, false, `scrape failed: ${why} · ${since}`);
    } finally {
      busy = false;
      timer = setTimeout(tick, config.intervalMs);
    }
  }

  const form = $('auth');
  const input = $('token');
  const tokenState = () => {
    const state = $('token-state');
    if (state)
      state.textContent = sessionStorage.getItem(TOKEN_KEY) ? 'token set for this tab' : 'no token';
  };
  if (config.auth === 'bearer' && form && input) {
    form.hidden = false;
    tokenState();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (input.value.trim() !== '') sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      input.value = '';
      tokenState();
      void tick();
    });
    $('forget')?.addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      tokenState();
      void tick();
    });
  }
  void tick();
}
