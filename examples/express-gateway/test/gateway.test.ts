import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGateway, type Gateway, listen } from '../src/app.js';

let gateway: Gateway;
let api: { url: string; server: Server };
let admin: { url: string; server: Server };
const auth = { authorization: 'Bearer test-token' };

beforeAll(async () => {
  gateway = createGateway({ speed: 20, metricsToken: 'test-token' });
  api = await listen(gateway.app, 0);
  admin = await listen(gateway.admin, 0);
});
afterAll(() => {
  gateway.close();
  api.server.closeAllConnections();
  api.server.close();
  admin.server.close();
});

const complete = (body: object, signal?: AbortSignal) =>
  fetch(`${api.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant': 'acme' },
    body: JSON.stringify(body),
    signal,
  });

/** The sample lines of `/metrics` for one metric name. */
async function samples(name: string): Promise<string[]> {
  const text = await (await fetch(`${admin.url}/metrics`, { headers: auth })).text();
  return text.split('\n').filter((l) => l.startsWith(`${name}{`));
}

describe('examples/express-gateway', () => {
  it('streams a completion and answers a plain one', async () => {
    const res = await complete({ prompt: 'Hello', max_tokens: 16, stream: true });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text.split('data: ').length).toBeGreaterThan(2);
    const plain = (await (await complete({ prompt: 'Hi', max_tokens: 8 })).json()) as {
      choices: { finish_reason: string }[];
    };
    expect(plain.choices[0]?.finish_reason).toMatch(/^(stop|length)$/);
  });

  it('records an abandoned stream as aborted and stops the generation', async () => {
    const ac = new AbortController();
    const long = {
      prompt: 'Tell me a long story',
      max_tokens: 2000,
      ignore_eos: true,
      stream: true,
    };
    const res = await complete(long, ac.signal);
    await res.body!.getReader().read();
    ac.abort();
    await vi.waitFor(
      async () =>
        expect(await samples('http_requests_total')).toContain(
          'http_requests_total{method="POST",route="/v1/completions",status="200",outcome="aborted",tenant="acme"} 1',
        ),
      { timeout: 5000 },
    );
    expect(
      (await samples('llm_requests_total')).some((l) => l.includes('finish_reason="abort"')),
    ).toBe(true);
  });

  it('serves /metrics and /status on the admin port only, behind the token', async () => {
    expect((await fetch(`${admin.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${api.url}/wp-login.php`)).status).toBe(404);
    const res = await fetch(`${admin.url}/metrics`, { headers: auth });
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toMatch(
      /^http_time_to_first_byte_seconds_count\{method="POST",route="\/v1\/completions",tenant="acme"\} \d+$/m,
    );
    expect(text).toMatch(
      /^llm_time_to_first_token_seconds_count\{model_name="llama-3-8b",engine="sim"\} \d+$/m,
    );
    expect(text).toContain(
      'http_requests_total{method="GET",route="#unmatched",status="404",outcome="completed"} 1',
    );
    const status: unknown = await (await fetch(`${admin.url}/status`, { headers: auth })).json();
    expect(status).toMatchObject({
      status: 'ready',
      version: '1.0.0',
      models: [{ name: 'llama-3-8b', engine: 'sim' }],
      gpu: { available: false, reason: 'simulated engine, no GPU' },
    });
    expect(JSON.stringify(status)).not.toContain('test-token');
  });
});
