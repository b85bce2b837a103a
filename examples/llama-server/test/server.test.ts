import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLlamaServer, type LlamaServer } from '../src/app.js';

// The example server on the tiny random-weight model (written at start, no download): 2
// sequences, so concurrent requests queue. The HTTP view (@inferlens/fastify) and the LLM view
// (@inferlens/node-llama-cpp) of the same requests must agree, and both with the responses.

let server: LlamaServer;
let url: string;

beforeAll(async () => {
  server = await createLlamaServer({ sequences: 2, contextSize: 256, threads: 1 });
  url = await server.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => server?.close());

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

const post = (path: string, body: object, signal?: AbortSignal) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    signal,
  });

/** Σ of the samples of `name` whose labels include every `key="value"` given. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const scrape = async () => (await fetch(`${url}/metrics`)).text();

/** The SSE events of a streamed response, `[DONE]` left out. */
async function events(res: Response): Promise<Record<string, unknown>[]> {
  const text = await res.text();
  expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data: {'))
    .map((e) => JSON.parse(e.slice(6)));
}

describe('examples/llama-server', () => {
  it('serves completions and chat, whole and streamed, and both views agree', async () => {
    const chat = (content: string, stream: boolean) =>
      post('/v1/chat/completions', {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
          { role: 'assistant', content: 'Hi.' },
          { role: 'user', content },
        ],
        max_tokens: 6,
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      });
    const responses = await Promise.all([
      post('/v1/completions', { prompt: 'One', max_tokens: 5 }),
      post('/v1/completions', { prompt: 'Two', max_tokens: 7 }),
      post('/v1/completions', { prompt: 'Stop now~', max_tokens: 7 }),
      post('/v1/completions', {
        prompt: 'Three',
        max_tokens: 9,
        stream: true,
        stream_options: { include_usage: true },
      }),
      chat('What is up?', false),
      chat('And now?', true),
    ]);
    const usages: Usage[] = [];
    const finishes: string[] = [];
    for (const res of responses) {
      expect(res.status).toBe(200);
      if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
        const all = await events(res);
        const last = all.at(-1) as { usage: Usage };
        usages.push(last.usage);
        const choices = all.flatMap((e) => e.choices as { finish_reason: string | null }[]);
        finishes.push(choices.map((c) => c.finish_reason).find((f) => f !== null) as string);
      } else {
        const body = (await res.json()) as { usage: Usage; choices: { finish_reason: string }[] };
        usages.push(body.usage);
        finishes.push(body.choices[0]!.finish_reason);
      }
    }
    expect(finishes.sort()).toEqual(['length', 'length', 'length', 'length', 'length', 'stop']);
    const bad = await post('/v1/completions', { prompt: 7 });
    expect(bad.status).toBe(400);

    const text = await scrape();
    const m = { model_name: 'inferlens-tiny' };
    // Requests: HTTP 200s on the two routes = finished LLM requests; the 400 never reached it.
    const http200 =
      metric(text, 'http_requests_total', { route: '/v1/completions', status: '200' }) +
      metric(text, 'http_requests_total', { route: '/v1/chat/completions', status: '200' });
    expect(http200).toBe(6);
    expect(metric(text, 'http_requests_total', { status: '400' })).toBe(1);
    expect(metric(text, 'llm_requests_total', m)).toBe(6);
    expect(metric(text, 'llm_requests_total', { ...m, finish_reason: 'length' })).toBe(5);
    expect(metric(text, 'llm_requests_total', { ...m, finish_reason: 'stop' })).toBe(1);
    // Tokens: what the responses' usage says.
    const total = (f: (u: Usage) => number) => usages.reduce((a, u) => a + f(u), 0);
    expect(metric(text, 'llm_generation_tokens_total', m)).toBe(total((u) => u.completion_tokens));
    expect(metric(text, 'llm_prompt_tokens_total', m)).toBe(total((u) => u.prompt_tokens));
    expect(metric(text, 'llm_time_to_first_token_seconds_count', m)).toBe(5);
    // More requests than the 2 sequences: some waited in the queue.
    expect(metric(text, 'llm_request_queue_time_seconds_count', m)).toBe(6);
    expect(metric(text, 'llm_request_queue_time_seconds_sum', m)).toBeGreaterThan(0);
    expect(metric(text, 'llm_requests_running', m)).toBe(0);
    expect(metric(text, 'llm_requests_waiting', m)).toBe(0);
    expect(metric(text, 'llm_kv_cache_usage_ratio', m)).toBeGreaterThan(0);
    expect(metric(text, 'llm_model_load_time_seconds', m)).toBeGreaterThan(0);
  });

  it('counts a client that leaves mid-stream as aborted in both views', async () => {
    const before = await scrape();
    const m = { model_name: 'inferlens-tiny' };
    const ac = new AbortController();
    const res = await post(
      '/v1/completions',
      { prompt: 'A long one', max_tokens: 230, stream: true },
      ac.signal,
    );
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    const after = await vi.waitFor(
      async () => {
        const text = await scrape();
        expect(metric(text, 'llm_requests_total', { ...m, finish_reason: 'abort' })).toBe(1);
        return text;
      },
      { timeout: 5000 },
    );
    expect(metric(after, 'http_requests_total', { outcome: 'aborted' })).toBe(1);
    const grew = (name: string) => metric(after, name, m) - metric(before, name, m);
    expect(grew('llm_prompt_tokens_total')).toBeGreaterThan(0);
    expect(grew('llm_generation_tokens_total')).toBeGreaterThan(0);
    expect(grew('llm_generation_tokens_total')).toBeLessThan(230);
    expect(metric(after, 'llm_requests_running', m)).toBe(0);
  });

  it('serves /status with the model facts, /v1/models and /dashboard', async () => {
    const status = (await (await fetch(`${url}/status`)).json()) as {
      status: string;
      models: { name: string }[];
      model: { name: string; architecture: string; sequences: number; contextSize: number };
    };
    expect(status.status).toBe('ready');
    expect(status.models.map((x) => x.name)).toContain('inferlens-tiny');
    expect(status.model).toMatchObject({
      name: 'inferlens-tiny',
      architecture: 'llama',
      sequences: 2,
      contextSize: 256,
    });
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0]!.id).toBe('inferlens-tiny');
    const page = await fetch(`${url}/dashboard`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });
});
