import type { ValueFormat } from './browser/format.js';

/** A tile: the key of its value in the view, its title, how its number reads, and a hint. */
type Tile = readonly [key: string, title: string, format: ValueFormat, hint: string];

const HTTP_TILES: readonly Tile[] = [
  ['http.rps', 'Requests', 'rate', 'requests that ended, per second'],
  ['http.errors', 'Errors', 'ratio', 'outcome="error": 5xx or a failed stream'],
  ['http.aborts', 'Aborted', 'ratio', 'outcome="aborted": the client left first'],
  ['http.inFlight', 'In flight', 'count', 'requests being served now'],
  ['http.p50', 'Duration p50', 'seconds', 'arrival to the last body byte'],
  ['http.p95', 'Duration p95', 'seconds', 'arrival to the last body byte'],
  ['http.ttfb50', 'TTFB p50', 'seconds', 'arrival to the first body byte'],
  ['http.ttfb95', 'TTFB p95', 'seconds', 'arrival to the first body byte'],
];

const LLM_TILES: readonly Tile[] = [
  ['llm.running', 'Running', 'count', 'requests in the running batch'],
  ['llm.waiting', 'Waiting', 'count', 'requests queued or preempted'],
  ['llm.ttft50', 'TTFT p50', 'seconds', 'arrival to the first token'],
  ['llm.ttft95', 'TTFT p95', 'seconds', 'arrival to the first token'],
  ['llm.tokens', 'Output tokens', 'rate', 'generated tokens per second'],
  ['llm.kvCache', 'KV cache', 'ratio', 'the fullest cache in use'],
  ['llm.preemptions', 'Preemptions', 'perMinute', 'running requests sent back to waiting'],
  ['llm.rps', 'Finished', 'rate', 'LLM requests that ended, per second'],
  ['llm.errors', 'Failed', 'ratio', 'failed LLM requests'],
  ['llm.e2e95', 'End-to-end p95', 'seconds', 'arrival to the last token'],
];

const tiles = (list: readonly Tile[]): string =>
  list
    .map(
      ([key, title, format, hint]) =>
        `<div class="tile" data-k="${key}" data-f="${format}" title="${hint}"><div class="t">${title}</div>` +
        '<div class="v">—</div><svg viewBox="0 0 100 24" preserveAspectRatio="none" aria-hidden="true">' +
        '<polyline points=""/></svg></div>',
    )
    .join('');

/** A table column: its heading, the row field it shows, and how (no format: as text). */
type Column = readonly [title: string, field: string, format?: ValueFormat];

const ROUTE_COLUMNS: readonly Column[] = [
  ['Method', 'method'],
  ['Route', 'route'],
  ['Requests', 'rps', 'rate'],
  ['Errors', 'errors', 'ratio'],
  ['Aborted', 'aborts', 'ratio'],
  ['p50', 'p50', 'seconds'],
  ['p95', 'p95', 'seconds'],
  ['TTFB p95', 'ttfb95', 'seconds'],
];

const MODEL_COLUMNS: readonly Column[] = [
  ['Model', 'model'],
  ['Running', 'running', 'count'],
  ['Waiting', 'waiting', 'count'],
  ['KV cache', 'kvCache', 'ratio'],
  ['Finished', 'rps', 'rate'],
  ['Output tokens', 'tokensPerSecond', 'rate'],
  ['TTFT p95', 'ttft95', 'seconds'],
];

/** A table whose headings say which field each column shows (`renderRows` reads them). */
const table = (id: string, columns: readonly Column[]): string => {
  const heads = columns.map(
    ([title, field, format]) =>
      `<th data-k="${field}"${format === undefined ? '' : ` data-f="${format}"`}>${title}</th>`,
  );
  return `<table id="${id}"><thead><tr>${heads.join('')}</tr></thead><tbody></tbody></table>`;
};

/** The page's stylesheet: a dark theme, readable at 3 a.m., no web fonts. */
export const DASHBOARD_CSS = `
:root{color-scheme:dark;--bg:#0f1115;--card:#181b22;--line:#2a2f3a;--fg:#e6e8ee;--dim:#9aa3b2;--ok:#3fb950;--bad:#f85149;--accent:#58a6ff}
*{box-sizing:border-box}[hidden]{display:none!important}body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;padding:.75rem 1rem;border-bottom:1px solid var(--line)}
h1{font-size:1.1rem;margin:0}h2{font-size:.95rem;margin:1rem 0 .5rem;color:var(--dim);text-transform:uppercase;letter-spacing:.06em}
main{padding:0 1rem 1rem}.pill{padding:.15rem .6rem;border-radius:999px;border:1px solid var(--line);font-size:.85rem}
.pill.ok{border-color:var(--ok);color:var(--ok)}.pill.bad{border-color:var(--bad);color:#fff;background:#5a1d1d;font-weight:600}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(135px,1fr));gap:.5rem}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.5rem .6rem}
.tile .t{color:var(--dim);font-size:.8rem}.tile .v{font-size:1.45rem;font-variant-numeric:tabular-nums;margin:.1rem 0}
.tile svg{width:100%;height:24px;display:block}.tile polyline{fill:none;stroke:var(--accent);stroke-width:1.5;vector-effect:non-scaling-stroke}
table{width:100%;border-collapse:collapse;margin-top:.6rem;background:var(--card);border:1px solid var(--line);border-radius:8px}
th,td{text-align:right;padding:.3rem .6rem;border-bottom:1px solid var(--line);font-variant-numeric:tabular-nums;white-space:nowrap}
th:not([data-f]),td.t{text-align:left}
td.none{text-align:left;color:var(--dim)}th{color:var(--dim);font-weight:500}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem;margin:0}
dt{color:var(--dim)}dd{margin:0}.ok{color:var(--ok)}.bad{color:var(--bad)}
form{display:flex;gap:.4rem;align-items:center;margin-left:auto}input{background:var(--card);color:var(--fg);border:1px solid var(--line);border-radius:6px;padding:.25rem .4rem}
button{background:var(--line);color:var(--fg);border:0;border-radius:6px;padding:.3rem .6rem;cursor:pointer}#token-state{color:var(--dim);font-size:.8rem}
body.stale .v,body.stale td,body.stale dd,body.stale polyline{opacity:.4}body.stale header{background:#3a1111}footer{color:var(--dim);font-size:.8rem;padding:0 1rem 1rem}
`;

/** The page's body: header with the scrape state, HTTP and LLM tiles and tables, engine card. */
export function dashboardBody(
  metricsUrl: string,
  statusUrl: string | null,
  intervalMs: number,
  historyMinutes: number,
): string {
  const code = (url: string) => `<code>${escapeHtml(url)}</code>`;
  const source =
    statusUrl === null ? code(metricsUrl) : `${code(metricsUrl)} and ${code(statusUrl)}`;
  return `<header><h1>inferlens</h1><span id="scrape" class="pill" role="status">connecting…</span>
<form id="auth" hidden><input id="token" type="password" autocomplete="off" placeholder="bearer token" aria-label="bearer token"><button type="submit">Use token</button><button type="button" id="forget">Forget</button><span id="token-state"></span></form></header>
<main><h2>HTTP</h2><div class="tiles">${tiles(HTTP_TILES)}</div>
${table('routes', ROUTE_COLUMNS)}
<h2>LLM</h2><div class="tiles">${tiles(LLM_TILES)}</div>
${table('models', MODEL_COLUMNS)}
<h2>Engine and GPU</h2><dl><dt>Status</dt><dd id="st-status">—</dd><dt>Engine</dt><dd id="st-engine">—</dd><dt>State</dt><dd id="st-state">—</dd><dt>GPU</dt><dd id="st-gpu">—</dd><dt>Models</dt><dd id="st-models">—</dd><dt>Version</dt><dd id="st-version">—</dd><dt>Uptime</dt><dd id="st-uptime">—</dd></dl></main>
<footer>Polls ${source} every ${intervalMs / 1000} s. Rates and quantiles come from the difference between scrapes (quantiles interpolated in histogram buckets, as Prometheus's histogram_quantile does); sparklines show the last ${historyMinutes} minutes this tab has seen.</footer>`;
}

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
