import { createLens, type Lens } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
// The function /metrics prefixes its names with, so the page and the scrape agree.
import { prefixHttpNames } from '../../http/src/prefix.js';
import { parseExposition } from '../src/browser/parse.js';
import { addToBuckets, seriesQuantile } from '../src/browser/quantile.js';
import { httpView } from '../src/browser/view-http.js';
import { llmView } from '../src/browser/view-llm.js';
import { type Scrape, stepBetween, windowOf } from '../src/browser/window.js';
import { dashboardNames } from '../src/names.js';

const hist = { quantile: seriesQuantile, add: addToBuckets };

/** Scrapes the lens as the page does: render, parse, diff against the previous scrape. */
function scraper(lens: Lens, prefix = '', format: 'prometheus' | 'openmetrics' = 'prometheus') {
  const names = dashboardNames((n) => prefixHttpNames(`${n}\n`, prefix).slice(0, -1));
  const cumulative = new Set(names.cumulative);
  let previous: Scrape | undefined;
  return (at: number) => {
    const text = prefixHttpNames(lens.render(format), prefix);
    const current = { at, samples: parseExposition(text) };
    const step = previous && stepBetween(previous, current, cumulative);
    previous = current;
    const window = step && windowOf([step], 10);
    return {
      http: httpView(window, current.samples, names, hist, 20),
      llm: llmView(window, current.samples, names, hist, 20),
    };
  };
}

const http = (route: string, status: string, outcome: string, method = 'GET') => ({
  method,
  route,
  status,
  outcome,
});

describe('the dashboard view of real expositions', () => {
  for (const format of ['prometheus', 'openmetrics'] as const)
    it(`HTTP: rates, ratios and quantiles over the window, per route (${format})`, () => {
      const lens = createLens({ engine: 'sim' });
      const scrape = scraper(lens, '', format);
      lens.series('httpRequests', http('/a', '200', 'completed')).inc(5); // before the window
      const first = scrape(100);
      expect(first.http.tiles['http.rps']).toBeNaN(); // no rate from one scrape
      expect(first.http.routes).toEqual([]);
      // In the window: /a 6 completed, 1 error, 1 aborted; /b 2 completed.
      lens.series('httpRequests', http('/a', '200', 'completed')).inc(6);
      lens.series('httpRequests', http('/a', '500', 'error')).inc(1);
      lens.series('httpRequests', http('/a', '200', 'aborted')).inc(1);
      lens.series('httpRequests', http('/b', '200', 'completed', 'POST')).inc(2);
      const durationA = lens.series('httpRequestDuration', http('/a', '200', 'completed'));
      for (const v of [0.02, 0.02, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]) durationA.observe(v);
      lens.series('httpRequestDuration', http('/b', '200', 'completed', 'POST')).observe(3);
      lens.series('httpRequestDuration', http('/b', '200', 'completed', 'POST')).observe(3);
      lens.series('httpTimeToFirstByte', { method: 'GET', route: '/a' }).observe(0.004);
      lens.series('httpRequestsInFlight', { method: 'GET' }).set(3);
      const { http: view } = scrape(104);
      expect(view.tiles['http.rps']).toBeCloseTo(10 / 4, 12);
      expect(view.tiles['http.errors']).toBeCloseTo(1 / 10, 12);
      expect(view.tiles['http.aborts']).toBeCloseTo(1 / 10, 12);
      expect(view.tiles['http.inFlight']).toBe(3);
      const bounds = [...lens.store.family('httpRequestDuration').bounds];
      const le = (v: number) => bounds.find((b) => b >= v) as number;
      const below = (v: number) => bounds[bounds.indexOf(le(v)) - 1] as number;
      // 10 observations: 2 at 0.02, 6 at 0.2, 2 at 3. p50 → rank 5 in 0.2's bucket (2 below it).
      expect(view.tiles['http.p50']).toBeCloseTo(below(0.2) + (le(0.2) - below(0.2)) * (3 / 6), 12);
      // p95 → rank 9.5 in 3's bucket (8 below it).
      expect(view.tiles['http.p95']).toBeCloseTo(below(3) + (le(3) - below(3)) * (1.5 / 2), 12);
      expect(view.tiles['http.ttfb95']).toBeLessThanOrEqual(le(0.004));
      expect(view.routes.map((r) => [r.method, r.route, r.rps, r.errors, r.aborts])).toEqual([
        ['GET', '/a', 2, 1 / 8, 1 / 8],
        ['POST', '/b', 0.5, 0, 0],
      ]);
      expect(view.routes[1]?.p50).toBeCloseTo(below(3) + (le(3) - below(3)) / 2, 12);
      expect(view.routes[1]?.ttfb95).toBeNaN(); // no TTFB observed for /b
      // Nothing new: rates drop to 0, quantiles to "no data".
      const idle = scrape(106).http;
      expect(idle.tiles['http.rps']).toBe(0);
      expect(idle.tiles['http.p95']).toBeNaN();
      expect(idle.routes).toEqual([]);
    });

  it('LLM: running, waiting and KV cache now; tokens, TTFT and preemptions over the window', () => {
    const lens = createLens({ engine: 'sim' });
    const scrape = scraper(lens);
    scrape(0);
    for (const [model, running, waiting, kv] of [
      ['b-model', 2, 1, 0.5],
      ['a-model', 3, 0, 0.8],
    ] as const) {
      lens.series('requestsRunning', { model_name: model }).set(running);
      lens.series('requestsWaiting', { model_name: model }).set(waiting);
      lens.series('kvCacheUsage', { model_name: model }).set(kv);
    }
    lens.series('generationTokens', { model_name: 'a-model' }).inc(300);
    lens.series('generationTokens', { model_name: 'b-model' }).inc(100);
    lens.series('requests', { model_name: 'a-model', finish_reason: 'stop' }).inc(3);
    lens.series('requests', { model_name: 'a-model', finish_reason: 'error' }).inc(1);
    lens.series('requestErrors', { model_name: 'a-model', error_type: 'engine_error' }).inc(1);
    lens.series('preemptions', { model_name: 'b-model' }).inc(2);
    const ttft = lens.series('timeToFirstToken', { model_name: 'a-model' });
    for (let i = 0; i < 20; i++) ttft.observe(0.03);
    const { llm } = scrape(4);
    expect(llm.tiles['llm.running']).toBe(5);
    expect(llm.tiles['llm.waiting']).toBe(1);
    expect(llm.tiles['llm.kvCache']).toBe(0.8); // the fullest cache
    expect(llm.tiles['llm.tokens']).toBe(100);
    expect(llm.tiles['llm.rps']).toBe(1);
    expect(llm.tiles['llm.errors']).toBe(0.25);
    expect(llm.tiles['llm.preemptions']).toBe(30); // 2 in 4 s = 30 a minute
    const bounds = [...lens.store.family('timeToFirstToken').bounds];
    const upper = bounds.find((b) => b >= 0.03) as number;
    const lower = bounds[bounds.indexOf(upper) - 1] as number;
    expect(llm.tiles['llm.ttft95']).toBeCloseTo(lower + (upper - lower) * 0.95, 12);
    expect(
      llm.models.map((m) => [m.model, m.running, m.waiting, m.kvCache, m.tokensPerSecond]),
    ).toEqual([
      ['a-model', 3, 0, 0.8, 75],
      ['b-model', 2, 1, 0.5, 25],
    ]);
    expect(llm.models[1]?.ttft95).toBeNaN();
  });

  it('reads prefixed HTTP names when the endpoints use a prefix', () => {
    const lens = createLens({ engine: 'sim' });
    const scrape = scraper(lens, 'gw_');
    const prefixed = dashboardNames((n) => prefixHttpNames(`${n}\n`, 'gw_').slice(0, -1));
    expect(prefixed.httpRequests).toBe('gw_http_requests_total');
    expect(prefixed.running).toBe(dashboardNames().running); // LLM names stay
    scrape(0);
    lens.series('httpRequests', http('/a', '200', 'completed')).inc(4);
    expect(scrape(2).http.tiles['http.rps']).toBe(2);
  });
});
