import { parse } from '@inferlens/prom-parse';
import {
  startFakeLlamacpp,
  startFakeSglang,
  startFakeTgi,
  startFakeVllm,
} from '@inferlens/testkit';
import { describe, expect, it } from 'vitest';
import { identify } from '../src/engine.js';
import { counterResets, formatProblems } from '../src/format.js';
import { lint } from '../src/lint.js';
import { clientStats, compare } from '../src/load/compare.js';
import type { ChatOutcome } from '../src/load/request.js';
import type { Moved } from '../src/load/server.js';
import { authHeader, metricsUrl } from '../src/scrape.js';

const metricsOf = async (url: string) =>
  parse(await (await fetch(`${url}/metrics`)).text()).families;

async function served<T extends { url: string; close(): Promise<void> }>(
  start: Promise<T>,
  before?: (s: T) => Promise<unknown>,
) {
  const server = await start;
  try {
    await before?.(server);
    return identify(await metricsOf(server.url));
  } finally {
    await server.close();
  }
}

const chat = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hello there' }], max_tokens: 4 }),
  }).then((r) => r.text());

describe('engine and version era from metric names', () => {
  it('vLLM V1: era by renamed names, data-parallel ranks by the engine label', async () => {
    const current = await served(startFakeVllm({ dataParallel: 2 }));
    expect(current.engine).toBe('vllm');
    expect(current.description).toBe('vLLM V1 (0.11 or later), 2 data-parallel ranks');
    expect(current.evidence).toContain('engine label (data-parallel rank): 0, 1');
    const both = await served(startFakeVllm({ names: 'v0.9' }));
    expect(both.evidence.join('\n')).toMatch(/both ITL names/);
    const old = await served(startFakeVllm({ names: 'v0', engineLabel: false }));
    expect(old.description).toBe('vLLM V1 (before 0.9.2)');
    expect(old.evidence).toContain('no engine label: vLLM before 0.10 (or a relabelling exporter)');
    expect(old.evidence.join('\n')).toMatch(
      /vllm:gpu_cache_usage_perc instead of vllm:kv_cache_usage_perc/,
    );
  });

  it('vLLM V0 by the names only V0 had', () => {
    const v0 = identify(
      parse('# TYPE vllm:num_requests_swapped gauge\nvllm:num_requests_swapped{model_name="m"} 0\n')
        .families,
    );
    expect(v0.description).toBe('vLLM, V0 engine (before 0.8, or VLLM_USE_V1=0)');
  });

  it('TGI with and without _total', async () => {
    const tgi = await startFakeTgi();
    try {
      await fetch(`${tgi.url}/generate_stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: 'What is TGI?', parameters: { max_new_tokens: 4 } }),
      }).then((r) => r.text());
      const text = await (await fetch(`${tgi.url}/metrics`)).text();
      const own = identify(parse(text).families);
      expect(own.engine).toBe('tgi');
      expect(own.evidence.join('\n')).toMatch(/counters without _total: TGI’s own exporter/);
      expect(own.evidence.join('\n')).toMatch(
        /no TTFT histogram .*llm_tgi_time_to_first_token_proxy_seconds/,
      );
      const relabelled = identify(
        parse(text.replaceAll('tgi_request_success ', 'tgi_request_success_total ')).families,
      );
      expect(relabelled.evidence.join('\n')).toMatch(/counters end in _total: re-exported/);
    } finally {
      await tgi.close();
    }
  });

  it('SGLang and llama.cpp, with their older layouts', async () => {
    expect((await served(startFakeSglang())).description).toBe('SGLang');
    expect(
      (await served(startFakeSglang({ version: 'v0.3' }), (s) => chat(s.url))).description,
    ).toBe('SGLang (v0.3 layout: cache_hit_rate in percent)');
    expect((await served(startFakeLlamacpp())).description).toBe('llama.cpp server');
    expect((await served(startFakeLlamacpp({ version: '2024' }))).description).toBe(
      'llama.cpp server (before mid-2025)',
    );
  });

  it('anything else is unknown, with the reason', () => {
    const v = identify(parse('# TYPE up gauge\nup 1\n').families);
    expect(v).toMatchObject({ engine: 'unknown', description: 'no LLM engine metrics' });
  });
});

describe('format checks', () => {
  it('finds malformed lines, NaN, missing +Inf, buckets going down, _count unlike +Inf, duplicates', () => {
    const text = [
      '# TYPE h histogram',
      'h_bucket{le="1"} 5',
      'h_bucket{le="2"} 3',
      'h_bucket{le="+Inf"} 6',
      'h_count 7',
      'h_bucket{a="x",le="1"} 1',
      '# TYPE g gauge',
      'g NaN',
      'g 1',
      'bad{ 1',
    ].join('\n');
    const messages = formatProblems(parse(text)).map((f) => f.message);
    expect(messages).toEqual([
      expect.stringMatching(/^1 malformed line/),
      expect.stringMatching(/^g: 1 NaN value/),
      expect.stringMatching(/^1 duplicate series .*: g$/),
      expect.stringMatching(/^h: 1 histogram series without a \+Inf bucket.*h\{a="x"\}/),
      expect.stringMatching(/^h: bucket counts go down/),
      expect.stringMatching(/^h: _count differs from the \+Inf bucket: h \(_count 7, \+Inf 6\)/),
    ]);
    expect(formatProblems(parse('# TYPE c counter\nc_total 1\n'))).toEqual([]);
  });

  it('tells a counter that went down from one that rose', () => {
    const at = (v: number) => parse(`# TYPE c counter\nc_total{a="1"} ${v}\n`).families;
    expect(counterResets(at(5), at(7))).toEqual([]);
    expect(counterResets(at(7), at(5))[0]?.message).toMatch(
      /1 counter\(s\) went down.*c_total\{a="1"\} 7 → 5/,
    );
  });

  it('lints as promtool does when promtool is not there', () => {
    const text = [
      '# TYPE vllm:x_total counter',
      'vllm:x_total 1',
      '# HELP requestCount c',
      '# TYPE requestCount counter',
      'requestCount 1',
      '# HELP y_total y',
      '# TYPE y_total gauge',
      'y_total 1',
      '# HELP lat_ms l',
      '# TYPE lat_ms gauge',
      'lat_ms 1',
    ].join('\n');
    const lines = lint(parse(text).families).map((l) => `${l.metric} ${l.message}`);
    expect(lines).toEqual([
      'vllm:x_total no help text',
      "vllm:x_total metric names should not contain ':'",
      "requestCount metric names should be written in 'snake_case' not 'camelCase'",
      'requestCount counter metrics should have "_total" suffix',
      'y_total non-counter metrics should not have "_total" suffix',
      'lat_ms metric names should not contain abbreviated units',
    ]);
  });
});

describe('flags', () => {
  it('reads --auth as bearer or basic credentials', () => {
    expect(authHeader('bearer:abc')).toBe('Bearer abc');
    expect(authHeader('tok')).toBe('Bearer tok');
    expect(authHeader('basic:u:p')).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(authHeader('u:p')).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(() => authHeader('basic:u')).toThrow(/needs a password/);
    expect(authHeader(undefined)).toBeUndefined();
  });

  it('adds /metrics to a bare URL and refuses other schemes', () => {
    expect(metricsUrl('http://h:8000')).toBe('http://h:8000/metrics');
    expect(metricsUrl('h:8000/custom')).toBe('http://h:8000/custom');
    expect(() => metricsUrl('file:///etc/passwd')).toThrow(/only http and https/);
  });
});

describe('load: client and server side by side', () => {
  const outcome = (ttft: number): ChatOutcome => ({
    status: 'ok',
    ttft,
    itl: [0.02, 0.02],
    e2e: ttft + 0.04,
    chunks: 3,
    usage: { prompt: 10, completion: 3 },
  });
  const client = clientStats({
    outcomes: Array.from({ length: 10 }, () => outcome(0.1)),
    shared: 5,
    seconds: 1,
    sendingSeconds: 1,
    peakInFlight: 10,
  });
  const server = (requests: number, ttft: number, generated = 30): Moved => ({
    counters: {
      requests,
      promptTokens: 100,
      generationTokens: generated,
      prefixCacheHits: 0,
      prefixCacheQueries: 80,
    },
    reasons: { stop: requests },
    quantiles: {
      timeToFirstToken: { p50: ttft, p90: ttft, p99: ttft, count: requests },
      interTokenLatency: { mean: 0.02, count: 20 },
    },
  });
  const disagreements = (m: Moved) =>
    compare(client, m, 5)
      .filter((r) => r.disagreement)
      .map((r) => r.what);

  it('agrees when the counts match and the server TTFT is within the client’s', () => {
    expect(
      disagreements({
        ...server(10, 0.09),
        counters: { ...server(10, 0.09).counters, prefixCacheHits: 40 },
      }),
    ).toEqual([]);
  });

  it('flags lost requests, other token counts, an impossible TTFT and a cache that never hits', () => {
    expect(disagreements(server(7, 0.09))).toEqual(['requests', 'prefix cache hits']);
    expect(disagreements(server(10, 0.5, 45))).toEqual([
      'generated tokens',
      'TTFT p50 / p90 / p99',
      'prefix cache hits',
    ]);
  });
});
