import { createServer, type Server } from 'node:http';
import { createLens, type Lens, type Series } from '@inferlens/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrometheusServer, startPrometheus } from './helpers/prometheus.js';

/**
 * The exposition round trip through the real parser that matters: a real Prometheus server
 * (Debian's 2.42) scrapes a lens once in OpenMetrics (what Prometheus asks for) and once in the
 * 0.0.4 text format, and every sample it stored must equal what the store holds.
 */
let lens: Lens;
let server: Server;
let prometheus: PrometheusServer;

beforeAll(async () => {
  lens = createLens({
    engine: 'sim',
    constLabels: { worker_id: 'w-1' },
    extraLabels: { httpRequestDurationSummary: ['tenant'] },
  });
  const quantiles = lens.store.family('httpRequestDurationSummary');
  const values = ['GET', '/v1/chat', '200', 'completed', 'acme'];
  expect(quantiles.ownLabelNames).toEqual(['method', 'route', 'status', 'outcome', 'tenant']);
  for (const seconds of [0.1, 0.2, 0.3, 0.4, 1.0]) quantiles.series(values).observe(seconds);
  for (const [model, reason, tokens] of [
    ['llama-3-8b', 'stop', 5],
    ['llama-3-8b', 'length', 9],
    ['mistral "7b"\\x', 'stop', 2],
  ] as const) {
    const t = lens.now();
    const r = lens.request({ model, time: t });
    r.queued(t);
    r.started(t + 40);
    r.firstToken(1, t + 200);
    for (let i = 1; i < tokens; i++) r.tokens(1, t + 200 + 30 * i);
    r.finish({ finishReason: reason, promptTokens: 100, cachedTokens: 30 }, t + 210 + 30 * tokens);
  }
  lens.request({ model: 'llama-3-8b' }).fail('oom');
  lens.series('kvCacheUsage', { model_name: 'llama-3-8b' }).set(0.375);
  server = createServer(async (req, res) => {
    // /text ignores Accept, so the same data is scraped in both formats.
    const accept = req.url === '/text' ? 'text/plain' : req.headers.accept;
    const { contentType, body } = await lens.scrape(accept);
    res.writeHead(200, { 'content-type': contentType }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  prometheus = await startPrometheus([
    { name: 'openmetrics', target: `127.0.0.1:${port}` },
    { name: 'text', target: `127.0.0.1:${port}`, path: '/text' },
  ]);
  await prometheus.waitForScrapes(['openmetrics', 'text']);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  server?.close();
  lens?.close();
});

describe('a real Prometheus server scraping inferlens', () => {
  for (const job of ['openmetrics', 'text']) {
    it(`stores every histogram bucket, sum and count exactly (${job})`, async () => {
      const family = lens.store.family('timeToFirstToken');
      for (const s of family.all() as Iterable<Series>) {
        if (s.kind !== 'histogram') continue;
        const model = s.labelValues[0]!;
        const sel = `{job="${job}",model_name=${JSON.stringify(model)},engine="sim",worker_id="w-1"}`;
        const buckets = await prometheus.query(`llm_time_to_first_token_seconds_bucket${sel}`);
        let cumulative = 0;
        const expected = new Map<number, number>();
        s.counts.forEach((c, i) => {
          cumulative += c;
          expected.set(i < s.bounds.length ? s.bounds[i]! : Number.POSITIVE_INFINITY, cumulative);
        });
        expect(buckets.length, model).toBe(expected.size);
        for (const b of buckets) {
          const le = b.metric.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(b.metric.le);
          expect(Number(b.value[1]), `${model} le=${b.metric.le}`).toBe(expected.get(le));
        }
        const [sum] = await prometheus.query(`llm_time_to_first_token_seconds_sum${sel}`);
        const [count] = await prometheus.query(`llm_time_to_first_token_seconds_count${sel}`);
        expect(Number(sum!.value[1])).toBeCloseTo(s.sum, 9);
        expect(Number(count!.value[1])).toBe(s.count);
      }
    });

    it(`stores counters and gauges exactly, escaped labels intact (${job})`, async () => {
      const requests = await prometheus.query(`llm_requests_total{job="${job}"}`);
      const byKey = Object.fromEntries(
        requests.map((r) => [
          `${r.metric.model_name}/${r.metric.finish_reason}`,
          Number(r.value[1]),
        ]),
      );
      expect(byKey).toEqual({
        'llama-3-8b/stop': 1,
        'llama-3-8b/length': 1,
        'llama-3-8b/error': 1,
        'mistral "7b"\\x/stop': 1,
      });
      const tokens = await prometheus.query(`sum(llm_generation_tokens_total{job="${job}"})`);
      expect(Number(tokens[0]!.value[1])).toBe(16);
      const kv = await prometheus.query(`llm_kv_cache_usage_ratio{job="${job}"}`);
      expect(kv.map((k) => Number(k.value[1]))).toEqual([0.375]);
    });
  }

  for (const job of ['openmetrics', 'text']) {
    it(`stores a summary's quantiles, sum and count, extra label included (${job})`, async () => {
      const s = [...lens.store.family('httpRequestDurationSummary').all()][0]!;
      if (s.kind !== 'summary') throw new Error('not a summary');
      const sel = `job="${job}",route="/v1/chat",tenant="acme"`;
      const stored = await prometheus.query(`http_request_duration_quantiles_seconds{${sel}}`);
      const byQuantile = Object.fromEntries(
        stored.map((r) => [r.metric.quantile, Number(r.value[1])]),
      );
      expect(Object.keys(byQuantile).sort()).toEqual(['0.5', '0.9', '0.95', '0.99']);
      // What Prometheus stored is what the store reported; the median is 0.3 s within 1 %.
      expect(byQuantile['0.5']).toBeCloseTo(s.quantile(0.5), 12);
      expect(Math.abs(byQuantile['0.5']! - 0.3) / 0.3).toBeLessThan(0.01);
      const [sum] = await prometheus.query(`http_request_duration_quantiles_seconds_sum{${sel}}`);
      const [count] = await prometheus.query(
        `http_request_duration_quantiles_seconds_count{${sel}}`,
      );
      expect(Number(sum!.value[1])).toBeCloseTo(2, 12);
      expect(Number(count!.value[1])).toBe(5);
    });
  }

  it('scraped as many samples as we rendered, with no scrape errors', async () => {
    const rendered = lens
      .render()
      .split('\n')
      .filter((l) => l && !l.startsWith('#')).length;
    for (const job of ['openmetrics', 'text']) {
      const [scraped] = await prometheus.query(`scrape_samples_scraped{job="${job}"}`);
      expect(Number(scraped!.value[1]), job).toBe(rendered);
    }
    const ttftP50 = await prometheus.query(
      'histogram_quantile(0.5, sum by (le) (llm_time_to_first_token_seconds_bucket{job="openmetrics"}))',
    );
    // Every TTFT is 0.2 s, in the (0.1, 0.25] bucket, so the estimate lies inside it.
    expect(Number(ttftP50[0]!.value[1])).toBeGreaterThan(0.1);
    expect(Number(ttftP50[0]!.value[1])).toBeLessThanOrEqual(0.25);
  });
});
