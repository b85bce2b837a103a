import { type MetricId, schema } from '@inferlens/core/internal';
import { parse, type Sample } from '@inferlens/prom-parse';
import { startFakeTgi, startFakeVllm } from '@inferlens/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../src/args.js';
import { createGateway, type Gateway } from '../src/gateway.js';

let vllm: Awaited<ReturnType<typeof startFakeVllm>>;
let tgi: Awaited<ReturnType<typeof startFakeTgi>>;
let gateway: Gateway;
let client: OpenAI;

beforeAll(async () => {
  vllm = await startFakeVllm({ dataParallel: 2, engine: { eosProbability: 0 } });
  tgi = await startFakeTgi({ engine: { eosProbability: 0 } });
  gateway = await createGateway({
    upstreams: [
      { url: vllm.url, engine: undefined },
      { url: tgi.url, engine: undefined },
    ],
    port: 0,
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await vllm.close();
  await tgi.close();
});

async function metrics(
  accept?: string,
): Promise<{ text: string; samples: (id: MetricId, part?: string) => Sample[] }> {
  const res = await fetch(`${gateway.url}/metrics`, { headers: accept ? { accept } : {} });
  const text = await res.text();
  const r = parse(text);
  expect(r.errors).toEqual([]);
  const types = text.split('\n').filter((l) => l.startsWith('# TYPE '));
  expect(new Set(types).size).toBe(types.length); // one block per family
  return {
    text,
    samples: (id, part = '') =>
      r.families.flatMap((f) => f.samples.filter((s) => s.name === schema[id].prometheus + part)),
  };
}

describe('examples/vllm-gateway against a fake vLLM and a fake TGI', () => {
  it('detects each upstream’s engine and models', () => {
    expect(gateway.upstreams.map((u) => [u.engine, u.models])).toEqual([
      ['vllm', [vllm.model]],
      ['tgi', [tgi.model]],
    ]);
  });

  it('proxies streams to the upstream serving the model, timing each one', async () => {
    for (const model of [vllm.model, tgi.model]) {
      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Hi there' }],
        max_tokens: 4,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage = 0;
      for await (const c of stream) {
        text += c.choices[0]?.delta?.content ?? '';
        usage = c.usage?.completion_tokens ?? usage;
      }
      expect(text.length).toBeGreaterThan(0);
      expect(usage).toBe(4);
    }
    const done = await client.completions.create({
      model: vllm.model,
      prompt: 'Hi',
      max_tokens: 3,
    });
    expect(done.usage?.completion_tokens).toBe(3);
    const { samples } = await metrics();
    const gw = (engine: string) =>
      samples('timeToFirstToken', '_count').find(
        (s) => s.labels.vantage === 'gateway' && s.labels.engine === engine,
      );
    expect(gw('vllm')?.value).toBe(1);
    expect(gw('tgi')?.value).toBe(1);
    const finished = samples('requests').filter((s) => s.labels.vantage === 'gateway');
    expect(finished.map((s) => [s.labels.engine, s.labels.finish_reason, s.value]).sort()).toEqual([
      ['tgi', 'length', 1],
      ['vllm', 'length', 2],
    ]);
    expect(
      samples('interTokenLatency', '_count').find(
        (s) => s.labels.vantage === 'gateway' && s.labels.engine === 'tgi',
      )?.value,
    ).toBe(3);
  });

  it('serves one /metrics with both fleets mirrored under the standard names', async () => {
    const { samples } = await metrics();
    const up = samples('sourceUp');
    expect(up.map((s) => [s.labels.engine, s.value]).sort()).toEqual([
      ['tgi', 1],
      ['vllm', 1],
    ]);
    const tokens = samples('generationTokens').filter((s) => s.labels.vantage === 'engine');
    const byEngine = (e: string) =>
      tokens.filter((s) => s.labels.engine === e).reduce((a, s) => a + s.value, 0);
    expect(byEngine('vllm')).toBe(7); // 4 streamed + 3 non-streamed, over two dp ranks
    expect(byEngine('tgi')).toBe(4);
    expect(
      new Set(tokens.filter((s) => s.labels.engine === 'vllm').map((s) => s.labels.dp_rank)),
    ).toEqual(new Set(['0', '1']));
    expect(samples('tgiTimeToFirstTokenProxy')[0]?.labels.model_name).toBe(tgi.model);
  });

  it('answers OpenMetrics when asked', async () => {
    const { text } = await metrics('application/openmetrics-text;version=1.0.0');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('reports an upstream that goes down, and keeps serving the rest', async () => {
    vllm.fault = 'http_500';
    await new Promise((r) => setTimeout(r, 1100)); // past the source's minimum scrape interval
    const { samples } = await metrics();
    vllm.fault = 'none';
    expect(samples('sourceUp').find((s) => s.labels.engine === 'vllm')?.value).toBe(0);
    expect(samples('sourceStale').find((s) => s.labels.engine === 'vllm')?.value).toBe(1);
    expect(samples('sourceUp').find((s) => s.labels.engine === 'tgi')?.value).toBe(1);
  });

  it('reads its command line', () => {
    expect(
      parseCli(['--upstream', 'http://a:8000/', '--upstream', 'tgi=http://b:3000', '--port', '0']),
    ).toEqual({
      upstreams: [
        { url: 'http://a:8000', engine: undefined },
        { url: 'http://b:3000', engine: 'tgi' },
      ],
      port: 0,
      host: '127.0.0.1',
    });
    expect(() => parseCli([])).toThrow(/--upstream/);
    expect(() => parseCli(['--upstream', 'nope'])).toThrow(/not an http/);
  });
});
