// The page's script: polls /metrics and /status, keeps the steps between scrapes for the rate
// window and the tiles' history for the sparklines, and renders. Bundled with the other browser
// modules and core's histogramQuantile at build time (scripts/bundle.mjs).
import { CONFIG_ELEMENT_ID, type DashboardConfig } from './config.js';
import { formatValue, sparklinePoints } from './format.js';
import { parseExposition } from './parse.js';
import { addToBuckets, seriesQuantile } from './quantile.js';
import {
  type PageDocument,
  type PageElement,
  renderRows,
  renderScrape,
  renderStatus,
  renderTiles,
} from './render.js';
import type { DashboardStatus } from './status.js';
import { httpView } from './view-http.js';
import { llmView } from './view-llm.js';
import { type Scrape, type Step, stepBetween, windowOf } from './window.js';

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

const TOKEN_KEY = 'inferlens.dashboard.token';
const ACCEPT = 'text/plain;version=0.0.4,application/openmetrics-text;q=0.5,*/*;q=0.1';
const FORMAT = { value: formatValue, points: sparklinePoints };
const HISTOGRAMS = { quantile: seriesQuantile, add: addToBuckets };

/** What the page keeps between polls. */
interface PageState {
  config: DashboardConfig;
  cumulative: ReadonlySet<string>;
  history: Record<string, number[]>;
  steps: Step[];
  previous: Scrape | undefined;
  lastGood: Date | undefined;
  timer: number;
  busy: boolean;
}

const $ = (id: string) => document.getElementById(id) as PageInput | null;
const clock = (d: Date) => d.toTimeString().slice(0, 8);

/** GETs `url` with the bearer token of this tab, if any, and a timeout. */
async function get(config: DashboardConfig, url: string, accept: string): Promise<FetchResponse> {
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

/** Fills the status card; 503 is "not ready" and still carries the summary. */
async function refreshStatus(config: DashboardConfig): Promise<void> {
  if (config.statusUrl === null) return renderStatus(document, null, 'no status endpoint');
  try {
    const res = await get(config, config.statusUrl, 'application/json');
    if (res.ok || res.status === 503)
      renderStatus(document, JSON.parse(await res.text()) as DashboardStatus, '');
    else renderStatus(document, null, `unavailable (HTTP ${res.status})`);
  } catch (error) {
    renderStatus(document, null, `unavailable (${(error as Error).message})`);
  }
}

/** Reads /metrics into a scrape; a 401 says what to do. */
async function fetchScrape(config: DashboardConfig): Promise<Scrape> {
  const res = await get(config, config.metricsUrl, ACCEPT);
  if (res.status === 401)
    throw new Error(
      config.auth === 'bearer' ? 'unauthorized: enter the bearer token' : 'unauthorized (HTTP 401)',
    );
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return { at: performance.now() / 1000, samples: parseExposition(await res.text()) };
}

/** Takes one scrape into the window and renders the tiles, tables and scrape state. */
async function scrape(state: PageState): Promise<void> {
  const { config } = state;
  const current = await fetchScrape(config);
  if (state.previous !== undefined)
    state.steps.push(stepBetween(state.previous, current, state.cumulative));
  state.previous = current;
  const window = windowOf(state.steps, config.windowSeconds);
  const http = httpView(window, current.samples, config.names, HISTOGRAMS, config.maxRows);
  const llm = llmView(window, current.samples, config.names, HISTOGRAMS, config.maxRows);
  renderTiles(
    document,
    { ...http.tiles, ...llm.tiles },
    state.history,
    config.historyPoints,
    FORMAT,
  );
  const waiting = window === undefined ? 'waiting for a second scrape…' : undefined;
  renderRows(document, 'routes', http.routes, waiting ?? 'no requests in the window', FORMAT);
  renderRows(document, 'models', llm.models, waiting ?? 'no engine metrics yet', FORMAT);
  state.lastGood = new Date();
  const over =
    window === undefined
      ? 'rates after the next scrape'
      : `rates over ${Math.round(window.seconds)} s`;
  renderScrape(document, true, `live · ${clock(state.lastGood)} · ${over}`);
}

/** Says why the scrape failed and how old the figures still shown are. */
function showFailure(state: PageState, error: Error): void {
  const last = state.lastGood;
  const since =
    last === undefined
      ? 'no data yet'
      : `showing data from ${clock(last)} (${Math.round((Date.now() - last.getTime()) / 1000)} s ago)`;
  const why = error.name === 'AbortError' ? 'timed out' : error.message;
  renderScrape(document, false, `scrape failed: ${why} · ${since}`);
}

/** One poll of both endpoints, then the next one `intervalMs` later; never two at once. */
async function tick(state: PageState): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  clearTimeout(state.timer);
  try {
    await Promise.all([scrape(state), refreshStatus(state.config)]);
  } catch (error) {
    showFailure(state, error as Error);
  } finally {
    state.busy = false;
    state.timer = setTimeout(() => void tick(state), state.config.intervalMs);
  }
}

/** With bearer auth: the form that keeps a token for this tab, and forgets it. */
function setUpTokenForm(state: PageState): void {
  const form = $('auth');
  const input = $('token');
  if (state.config.auth !== 'bearer' || !form || !input) return;
  const showState = () => {
    const el = $('token-state');
    if (el)
      el.textContent = sessionStorage.getItem(TOKEN_KEY) ? 'token set for this tab' : 'no token';
  };
  form.hidden = false;
  showState();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim() !== '') sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    input.value = '';
    showState();
    void tick(state);
  });
  $('forget')?.addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showState();
    void tick(state);
  });
}

/**
 * Starts the page with `config`: the token form, then a poll every `intervalMs`.
 *
 * @example
 * startDashboard(JSON.parse(document.getElementById('inferlens-config').textContent));
 */
export function startDashboard(config: DashboardConfig): void {
  const state: PageState = {
    config,
    cumulative: new Set(config.names.cumulative),
    history: {},
    steps: [],
    previous: undefined,
    lastGood: undefined,
    timer: 0,
    busy: false,
  };
  setUpTokenForm(state);
  void tick(state);
}

/** The config the server wrote into the page, as JSON in a non-executed script element. */
export function readConfig(doc: PageDocument): DashboardConfig {
  const text = doc.getElementById(CONFIG_ELEMENT_ID)?.textContent;
  if (typeof text !== 'string') throw new Error('inferlens dashboard: no config in the page');
  return JSON.parse(text) as DashboardConfig;
}
