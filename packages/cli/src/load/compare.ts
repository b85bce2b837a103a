import type { LoadResult } from './run.js';
import type { Moved } from './server.js';

export interface Row {
  what: string;
  client: string;
  server: string;
  /** Why the two disagree; undefined when they agree or cannot be compared. */
  disagreement?: string;
}

const q = (values: number[], p: number): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
};
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined);
const ms = (s: number | undefined) => (s === undefined ? '–' : `${(s * 1000).toFixed(0)} ms`);
const trio = (a: (number | undefined)[]) => a.map(ms).join(' / ');

/** The client's own view: counts, tokens from `usage`, TTFT and ITL from the stream. */
export function clientStats(r: LoadResult) {
  const o = r.outcomes;
  const ttft = o.flatMap((x) => (x.ttft === undefined ? [] : [x.ttft]));
  const itl = o.flatMap((x) => x.itl);
  const finished = o.filter((x) => x.status === 'ok');
  const withUsage = finished.filter((x) => x.usage);
  return {
    sent: o.length,
    ok: finished.length,
    aborted: o.filter((x) => x.status === 'aborted').length,
    errors: o.filter((x) => x.status === 'error').length,
    /** Usage is complete only when every finished request reported it and none was aborted. */
    usageComplete: withUsage.length === finished.length && finished.length === o.length,
    promptTokens: withUsage.reduce((n, x) => n + x.usage!.prompt, 0),
    completionTokens: withUsage.reduce((n, x) => n + x.usage!.completion, 0),
    cachedTokens: withUsage.reduce((n, x) => n + (x.usage!.cached ?? 0), 0),
    ttft: { p50: q(ttft, 0.5), p90: q(ttft, 0.9), p99: q(ttft, 0.99), n: ttft.length },
    itl: { mean: mean(itl), p50: q(itl, 0.5), n: itl.length },
    e2e: {
      p50: q(
        o.map((x) => x.e2e),
        0.5,
      ),
      p99: q(
        o.map((x) => x.e2e),
        0.99,
      ),
    },
  };
}

export type ClientStats = ReturnType<typeof clientStats>;

/**
 * Client and server side by side, flagging where they cannot both be right: the server saw
 * fewer or more requests than were sent, counted other token totals than the responses' usage,
 * or reports a TTFT the client could not have seen (server > client) or misses most of it.
 */
export function compare(c: ClientStats, s: Moved | undefined, shared: number): Row[] {
  const rows: Row[] = [];
  const sc = s?.counters;
  const reqServer = sc?.requests;
  const reasons =
    s && Object.keys(s.reasons).length
      ? ` (${Object.entries(s.reasons)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`
      : '';
  rows.push({
    what: 'requests',
    client: `${c.sent} (${c.ok} ok, ${c.aborted} aborted, ${c.errors} failed)`,
    server: reqServer === undefined ? '–' : `${reqServer}${reasons}`,
    ...(reqServer !== undefined && Math.abs(reqServer - c.sent) > c.errors
      ? {
          disagreement: `the server counted ${reqServer} finished requests, the client sent ${c.sent}`,
        }
      : {}),
  });
  const tokens = (what: string, client: number, server: number | undefined) => {
    const comparable = c.usageComplete && server !== undefined;
    const off = comparable && Math.abs(server - client) > Math.max(2, client * 0.01);
    rows.push({
      what,
      client: c.usageComplete ? String(client) : `${client} (usage of finished requests only)`,
      server: server === undefined ? '–' : String(server),
      ...(off ? { disagreement: `${what}: server ${server}, responses' usage ${client}` } : {}),
    });
  };
  tokens('prompt tokens', c.promptTokens, sc?.promptTokens);
  tokens('generated tokens', c.completionTokens, sc?.generationTokens);
  const st = s?.quantiles.timeToFirstToken;
  const ttftRow: Row = {
    what: 'TTFT p50 / p90 / p99',
    client: c.ttft.n ? trio([c.ttft.p50, c.ttft.p90, c.ttft.p99]) : '– (not streamed)',
    server: st ? trio([st.p50, st.p90, st.p99]) : '–',
  };
  if (st?.p50 !== undefined && c.ttft.p50 !== undefined) {
    if (st.p50 > c.ttft.p50 * 1.5 + 0.02)
      ttftRow.disagreement = `the server's TTFT median (${ms(st.p50)}) is longer than the client's (${ms(c.ttft.p50)}): it cannot be`;
    else if (c.ttft.p50 > st.p50 * 3 + 0.1)
      ttftRow.disagreement = `the client waits ${ms(c.ttft.p50)} for a first token the server says took ${ms(st.p50)}: time spent before the engine (a proxy, a queue) is not measured`;
  }
  rows.push(ttftRow);
  const si = s?.quantiles.interTokenLatency;
  const itlRow: Row = {
    what: 'ITL mean',
    client: c.itl.n ? ms(c.itl.mean) : '–',
    server: si?.mean === undefined ? '–' : ms(si.mean),
  };
  if (
    si?.mean !== undefined &&
    c.itl.mean !== undefined &&
    (si.mean > c.itl.mean * 2 + 0.01 || c.itl.mean > si.mean * 2 + 0.01)
  )
    itlRow.disagreement = `mean inter-token latency: server ${ms(si.mean)}, client ${ms(c.itl.mean)}`;
  rows.push(itlRow);
  const hits = sc?.prefixCacheHits;
  const queries = sc?.prefixCacheQueries;
  const ratio =
    hits !== undefined && queries
      ? `${((hits / queries) * 100).toFixed(0)}% of ${queries} prompt tokens`
      : '–';
  const cacheRow: Row = {
    what: 'prefix cache hits',
    client: `${shared} of ${c.sent} prompts share a prefix`,
    server: hits === undefined ? '– (no prefix-cache series)' : ratio,
  };
  if (shared > 1 && queries && hits === 0)
    cacheRow.disagreement = `no prefix-cache hits although ${shared} prompts share a prefix: is prefix caching enabled?`;
  rows.push(cacheRow);
  return rows;
}
