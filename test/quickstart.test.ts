import { schema } from '@inferlens/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSamples, type Sample, total } from './helpers/exposition.js';
import { type Quickstart, startQuickstart } from './helpers/quickstart.js';

/**
 * The main job as a user runs it: the quickstart started as a child process, spoken to over real
 * HTTP with fetch, scraped in both exposition formats, and stopped with SIGTERM.
 */
const PROMETHEUS_ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';
// What Prometheus itself sends when it prefers OpenMetrics.
const OPENMETRICS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const MODEL = 'quickstart-test-model';
const name = (id: keyof typeof schema) => schema[id].prometheus;

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: number };
}

const chat = (qs: Quickstart, body: object, signal?: AbortSignal) =>
  fetch(`${qs.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      messages: [{ role: 'user', content: 'Explain KV caches. '.repeat(20) }],
      ...body,
    }),
    signal,
  });

async function scrape(
  qs: Quickstart,
  accept: string,
): Promise<{ type: string; text: string; samples: Sample[] }> {
  const res = await fetch(`${qs.url}/metrics`, { headers: { accept } });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { type: res.headers.get('content-type') ?? '', text, samples: parseSamples(text) };
}

describe('examples/quickstart, load off', () => {
  let qs: Quickstart;
  const usages: Usage[] = [];

  beforeAll(async () => {
    qs = await startQuickstart(['--port', '0', '--no-load', '--model', MODEL]);
  });
  afterAll(async () => {
    await qs?.stop('SIGKILL');
  });

  it('streams a chat completion as vLLM does: role chunk, content deltas, finish_reason, usage, [DONE]', async () => {
    const res = await chat(qs, {
      model: MODEL,
      max_tokens: 12,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await res.text();
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = body.split('\n\n').slice(0, -1);
    for (const e of events) expect(e.startsWith('data: ')).toBe(true);
    expect(events.pop()).toBe('data: [DONE]');
    const chunks = events.map((e) => JSON.parse(e.slice(6)));
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^chatcmpl-/);
    for (const c of chunks)
      expect(c).toMatchObject({ object: 'chat.completion.chunk', model: MODEL });
    const [role, ...rest] = chunks;
    expect(role.choices).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
    ]);
    const usageChunk = rest.pop();
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual({
      prompt_tokens: expect.any(Number),
      completion_tokens: 12,
      total_tokens: usageChunk.usage.prompt_tokens + 12,
    });
    expect(rest).toHaveLength(12);
    expect(rest.map((c) => c.choices[0].finish_reason)).toEqual([
      ...Array(11).fill(null),
      'length',
    ]);
    for (const c of [role, ...rest]) expect(c).not.toHaveProperty('usage');
    const text = rest.map((c) => c.choices[0].delta.content).join('');
    expect(text.trim().length).toBeGreaterThan(0);
    usages.push(usageChunk.usage);
  });

  it('answers a non-streamed chat completion with the message and usage', async () => {
    const res = await chat(qs, { max_tokens: 40 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      choices: { message: { role: string; content: unknown }; finish_reason: string }[];
      usage: Usage;
    };
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      id: expect.stringMatching(/^chatcmpl-/),
    });
    const choice = body.choices[0]!;
    expect(choice.message.role).toBe('assistant');
    expect(typeof choice.message.content).toBe('string');
    expect(['stop', 'length']).toContain(choice.finish_reason);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(40);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    usages.push(body.usage);
  });

  it('refuses bad requests with OpenAI-shaped errors, before they reach the engine', async () => {
    const unknown = await chat(qs, { model: 'no-such-model' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error).toMatchObject({
      type: 'NotFoundError',
      param: 'model',
      code: 404,
    });
    const empty = await fetch(`${qs.url}/v1/chat/completions`, {
      method: 'POST',
      body: '{"messages":[]}',
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).error.param).toBe('messages');
    expect((await fetch(`${qs.url}/health`)).status).toBe(200);
  });

  it('serves /metrics in both formats with the values of exactly those requests', async () => {
    const prom = await scrape(qs, PROMETHEUS_ACCEPT);
    const om = await scrape(qs, OPENMETRICS_ACCEPT);
    expect(prom.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(om.type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(om.text.endsWith('# EOF\n')).toBe(true);
    expect(prom.text).not.toContain('# EOF');
    // OpenMetrics names the counter family without _total; 0.0.4 keeps it.
    expect(om.text).toContain(`# TYPE ${name('requests').replace(/_total$/, '')} counter`);
    expect(prom.text).toContain(`# TYPE ${name('requests')} counter`);
    const generated = usages.reduce((n, u) => n + u.completion_tokens, 0);
    const prompted = usages.reduce((n, u) => n + u.prompt_tokens, 0);
    for (const { samples } of [prom, om]) {
      const model = { model_name: MODEL, engine: 'simulated' };
      expect(total(samples, name('requests'), model)).toBe(2);
      expect(total(samples, name('requests'), { finish_reason: 'length' })).toBeGreaterThanOrEqual(
        1,
      );
      expect(total(samples, `${name('timeToFirstToken')}_count`, model)).toBe(2);
      expect(total(samples, `${name('timeToFirstToken')}_sum`, model)).toBeGreaterThan(0);
      expect(total(samples, name('generationTokens'), model)).toBe(generated);
      expect(total(samples, name('promptTokens'), model)).toBe(prompted);
      expect(total(samples, name('requestsRunning'), model)).toBe(0);
      expect(total(samples, name('requestsWaiting'), model)).toBe(0);
      expect(samples.some((s) => s.name === name('kvCacheUsage'))).toBe(true);
      // @inferlens/fastify saw the same requests at the HTTP layer: the two answered, streamed
      // and not, and the two refused (404, 400), each with a first byte.
      const route = { method: 'POST', route: '/v1/chat/completions' };
      const ok = { ...route, status: '200', outcome: 'completed' };
      expect(total(samples, name('httpRequests'), ok)).toBe(2);
      expect(total(samples, name('httpRequests'), { ...route, status: '404' })).toBe(1);
      expect(total(samples, name('httpRequests'), { ...route, status: '400' })).toBe(1);
      expect(total(samples, `${name('httpTimeToFirstByte')}_count`, route)).toBe(4);
      expect(total(samples, name('httpRequestsInFlight'))).toBe(0);
    }
  });

  it('reports readiness and whether a GPU is there on /status, and NVML health on /metrics', async () => {
    const res = await fetch(`${qs.url}/status`);
    expect(res.status).toBe(200);
    const status = (await res.json()) as {
      status: string;
      engine: { state: string };
      gpu: { available: boolean; reason?: string };
    };
    expect(status.status).toBe('ready');
    expect(status.engine.state).toBe('running');
    // CI machines have no GPU: NVML is reported unavailable with a reason, and nothing else breaks.
    // On a GPU machine the same check sees available: true.
    const { samples } = await scrape(qs, PROMETHEUS_ACCEPT);
    const up = samples.find((s) => s.name === name('nvmlUp'));
    expect(up?.value).toBe(status.gpu.available ? 1 : 0);
    if (!status.gpu.available) {
      expect(status.gpu.reason).toMatch(/^[a-z_]+$/);
      expect(up?.labels.reason).toBe(status.gpu.reason);
    }
  });

  it('serves the live dashboard page it prints', async () => {
    const res = await fetch(`${qs.url}/dashboard`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('./metrics');
    expect(qs.stdout).toContain(`dashboard: open ${qs.url}/dashboard`);
  });

  it('aborts the generation when the client disconnects', async () => {
    const controller = new AbortController();
    const res = await chat(
      qs,
      { max_tokens: 2000, ignore_eos: true, stream: true },
      controller.signal,
    );
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => {});
    let samples: Sample[] = [];
    for (let i = 0; i < 50; i++) {
      samples = (await scrape(qs, PROMETHEUS_ACCEPT)).samples;
      if (total(samples, name('requests'), { finish_reason: 'abort' }) > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(total(samples, name('requests'), { finish_reason: 'abort' })).toBe(1);
    expect(total(samples, name('requestsRunning'))).toBe(0);
    expect(total(samples, name('requestsWaiting'))).toBe(0);
    // The HTTP layer records the same disconnect once, as aborted.
    expect(
      total(samples, name('httpRequests'), {
        route: '/v1/chat/completions',
        outcome: 'aborted',
      }),
    ).toBe(1);
  });

  it('exits 0 soon after SIGTERM', async () => {
    expect(await qs.stop('SIGTERM', 5000)).toBe(0);
    expect(qs.stdout).toContain('inferlens quickstart stopped (SIGTERM)');
  });
});

describe('examples/quickstart, load on', () => {
  it('drives real traffic from its load generator, prints the live summary, and exits 0 after --duration', async () => {
    const qs = await startQuickstart([
      '--port',
      '0',
      '--duration',
      '4',
      '--concurrency',
      '4',
      '--rps',
      '20',
    ]);
    try {
      const line = await qs.waitFor(
        /^req\/s [\d.]+ \| TTFT p50 .+ p95 .+ \| tok\/s \d+ \| KV \d+% \| running \d+ waiting \d+.*$/m,
        6000,
      );
      expect(line).not.toMatch(/NaN|undefined/);
      const { samples } = await scrape(qs, PROMETHEUS_ACCEPT);
      expect(total(samples, name('requests'))).toBeGreaterThan(0);
      expect(total(samples, name('generationTokens'))).toBeGreaterThan(0);
      expect(total(samples, `${name('timeToFirstToken')}_count`)).toBeGreaterThan(0);
      expect(total(samples, name('prefixCacheHits'))).toBeGreaterThan(0);
      expect(await qs.stop(null, 8000)).toBe(0);
      expect(qs.stdout).toContain('inferlens quickstart stopped (duration)');
    } finally {
      await qs.stop('SIGKILL');
    }
  });
});
