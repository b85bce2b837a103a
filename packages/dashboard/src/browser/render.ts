// Every value goes in with `textContent`, never as HTML: route and model names come from the app.

import type { ValueFormat } from './format.js';
import type { DashboardStatus } from './status.js';

/** The few DOM members the page uses (the package builds without the DOM library). */
export interface PageElement {
  textContent: string | null;
  className: string;
  hidden: boolean;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  replaceChildren(...nodes: PageElement[]): void;
  appendChild(node: PageElement): PageElement;
}

export interface PageDocument {
  getElementById(id: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  createElement(tag: string): PageElement;
  body: PageElement;
}

/** The formatting helpers the renderers use; a test can hand in others. */
export interface Formatters {
  value(value: number, format: ValueFormat): string;
  points(values: readonly number[], width: number, height: number): string;
}

/**
 * Writes each tile's value (`data-k` names its key, `data-f` its format) and appends it to the
 * tile's history, which its sparkline draws; a history keeps its last `keep` points.
 *
 * @example
 * renderTiles(document, { 'http.rps': 12 }, history, 150, { value: formatValue, points: sparklinePoints });
 */
export function renderTiles(
  doc: PageDocument,
  tiles: Record<string, number>,
  history: Record<string, number[]>,
  keep: number,
  fmt: Formatters,
): void {
  const all = doc.querySelectorAll('.tile[data-k]');
  for (let i = 0; i < all.length; i++) {
    const tile = all[i] as PageElement;
    const key = tile.getAttribute('data-k') ?? '';
    const value = key in tiles ? (tiles[key] as number) : Number.NaN;
    const past = history[key] ?? [];
    history[key] = past;
    past.push(value);
    if (past.length > keep) past.splice(0, past.length - keep);
    const text = tile.querySelector('.v');
    if (text)
      text.textContent = fmt.value(value, (tile.getAttribute('data-f') ?? 'count') as ValueFormat);
    const line = tile.querySelector('polyline');
    if (line) line.setAttribute('points', fmt.points(past, 100, 24));
  }
}

/**
 * Replaces the body of table `id` with one row per item, its cells read from the headings: `data-k`
 * names the field, `data-f` its format (none: text). Without items, one row says `none`.
 *
 * @example
 * renderRows(document, 'routes', view.routes, 'no requests in the window', formatters);
 */
export function renderRows(
  doc: PageDocument,
  id: string,
  items: readonly object[],
  none: string,
  fmt: Formatters,
): void {
  const table = doc.getElementById(id);
  const body = table?.querySelector('tbody');
  if (!table || !body) return;
  const heads = table.querySelectorAll('th');
  const columns: [string, string | null][] = [];
  for (let i = 0; i < heads.length; i++) {
    const th = heads[i] as PageElement;
    columns.push([th.getAttribute('data-k') ?? '', th.getAttribute('data-f')]);
  }
  const cell = (text: string, cls: string): PageElement => {
    const td = doc.createElement('td');
    td.textContent = text;
    td.className = cls;
    return td;
  };
  const rows = items.map((item) => {
    const tr = doc.createElement('tr');
    const values = item as Record<string, unknown>;
    for (const [field, format] of columns)
      tr.appendChild(
        format === null
          ? cell(String(values[field] ?? ''), 't')
          : cell(fmt.value(Number(values[field]), format as ValueFormat), ''),
      );
    return tr;
  });
  if (rows.length === 0) {
    const tr = doc.createElement('tr');
    const td = cell(none, 'none');
    td.setAttribute('colspan', String(columns.length));
    tr.appendChild(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

/** Fills the engine and GPU card from a `/status` body, or says why there is none. */
export function renderStatus(doc: PageDocument, s: DashboardStatus | null, problem: string): void {
  const set = (id: string, text: string, cls = ''): void => {
    const el = doc.getElementById(id);
    if (!el) return;
    el.textContent = text;
    el.className = cls;
  };
  if (s === null || typeof s !== 'object' || s.engine === undefined) {
    set('st-status', problem, 'bad');
    for (const id of ['st-engine', 'st-state', 'st-gpu', 'st-version', 'st-uptime', 'st-models'])
      set(id, '—');
    return;
  }
  set(
    'st-status',
    s.status === 'ready' ? 'ready' : 'not ready',
    s.status === 'ready' ? 'ok' : 'bad',
  );
  set('st-engine', String(s.engine.name));
  set(
    'st-state',
    `${s.engine.state} · ${s.engine.requestsRunning} running · ${s.engine.requestsWaiting} waiting`,
  );
  const gpu = s.gpu;
  if (gpu === null || gpu === undefined) set('st-gpu', 'not reported');
  else if (gpu.available) set('st-gpu', 'available', 'ok');
  else set('st-gpu', `unavailable${gpu.reason ? `: ${gpu.reason}` : ''}`, 'bad');
  set('st-version', `${s.version ?? '—'} (inferlens ${s.inferlens})`);
  const up = Number(s.uptimeSeconds);
  const h = Math.floor(up / 3600);
  const m = Math.floor((up % 3600) / 60);
  set(
    'st-uptime',
    h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${Math.floor(up % 60)} s` : `${up.toFixed(0)} s`,
  );
  const names = (s.models ?? []).map((x) => `${x.name} (${x.engine})`);
  set('st-models', names.length > 0 ? names.join(', ') : 'none yet');
}

/**
 * The scrape state in the header: live with the time of the last scrape, or failed with the
 * reason and the age of the figures still shown (which are greyed out).
 */
export function renderScrape(doc: PageDocument, ok: boolean, message: string): void {
  const el = doc.getElementById('scrape');
  if (el) {
    el.textContent = message;
    el.className = ok ? 'pill ok' : 'pill bad';
  }
  doc.body.className = ok ? '' : 'stale';
}
