/**
 * Memory of 1,000,000 distinct model names through the request tracker (issue 17): every name
 * one whole request (queued, started, first token, tokens, finished), so the tracker resolves a
 * new set of series handles each time and the store caps the series at its limit. RSS and heap
 * growth are read after full garbage collections, in a fresh process (child/tasks.ts). Beside it,
 * prom-client counting one request per name in `llm_requests_total` alone (prom-client has no
 * series cap; with the tracker's histograms too, a million names do not fit this machine).
 * Target: RSS growth ≤ 50 MB for inferlens.
 */
import { runChild } from '../child/run-child.js';
import type { Growth } from '../child/tasks.js';

const NAMES = 1_000_000;

export async function run(): Promise<{ title: string; table: string; notes: string[] }> {
  const { ours, series, prom, promSeries } = await runChild<{
    ours: Growth;
    series: number;
    prom: Growth;
    promSeries: number;
  }>('memory', String(NAMES));
  const row = (c: string, g: Growth, n: number): string =>
    `| ${c} | ${g.rss.toFixed(1)} MB | ${g.heap.toFixed(1)} MB | ${n.toLocaleString('en-US')} | ${(g.ms / 1000).toFixed(1)} s |`;
  return {
    title: 'Memory: 1,000,000 distinct model names',
    table: [
      '| case | RSS growth | heap growth | series held after | time |',
      '|---|---:|---:|---:|---:|',
      row('inferlens tracker, one whole request per name (every LLM metric)', ours, series),
      row('prom-client, llm_requests_total only, one inc per name', prom, promSeries),
    ].join('\n'),
    notes: [
      `${ours.rss <= 50 ? 'MET' : 'MISSED'}: 1M model names through the tracker, RSS growth ${ours.rss.toFixed(1)} MB with ${series.toLocaleString('en-US')} series held (target ≤ 50 MB, series capped)`,
      'Measured in a fresh process; growth is read after two full garbage collections, before and after. Past each family\'s series limit (2,000 by default) new label sets fold into one series with inferlens_overflow="true", counted in inferlens_series_overflow_total.',
    ],
  };
}
