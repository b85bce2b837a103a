import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer } from '../src/app.js';

let server: ReturnType<typeof createServer>;
let http: Server;
let url: string;
const auth = { authorization: `Basic ${Buffer.from('prometheus:pw').toString('base64')}` };

beforeAll(async () => {
  server = createServer({ speed: 20, metricsPassword: 'pw' });
  http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise((resolve) => http.once('listening', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  http.closeAllConnections();
  http.close();
});

const complete = (body: object, signal?: AbortSignal) =>
  fetch(`${url}/v1/completions`, {
    method: 'POST',
    body: JSON.stringify(body),
    signal,
    headers: { 'content-type': 'application/json' },
  });

const metrics = async () => (await fetch(`${url}/metrics`, { headers: auth })).text();

describe('examples/hono-server', () => {
  it('answers /status with 503 while loading and 200 once loaded', async () => {
    const loading = await fetch(`${url}/status`, { headers: auth });
    expect(loading.status).toBe(503);
    expect(await loading.json()).toMatchObject({
      status: 'not_ready',
      engine: { name: 'sim', state: 'loading' },
    });
    server.markLoaded();
    expect((await fetch(`${url}/status`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${url}/status`)).status).toBe(401);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('streams completions and records the stream to its end, an abandoned one as aborted', async () => {
    const done = await (await complete({ prompt: 'Hi', max_tokens: 24, stream: true })).text();
    expect(done.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const ac = new AbortController();
    const res = await complete(
      { prompt: 'Go on', max_tokens: 2000, ignore_eos: true, stream: true },
      ac.signal,
    );
    await res.body!.getReader().read();
    ac.abort();
    const text = await vi.waitFor(
      async () => {
        const body = await metrics();
        if (!body.includes('outcome="aborted"')) throw new Error('the abort is not recorded yet');
        return body;
      },
      { timeout: 5000 },
    );
    expect(text).toContain(
      'http_requests_total{method="POST",route="/v1/completions",status="2xx",outcome="aborted"} 1',
    );
    expect(text).toContain(
      'http_requests_total{method="POST",route="/v1/completions",status="2xx",outcome="completed"} 1',
    );
    expect(text).toContain('http_requests_in_flight{method="POST"} 0');
    expect(text).toMatch(
      /^llm_requests_total\{model_name="qwen2\.5-7b",engine="sim",finish_reason="abort"\} 1$/m,
    );
  });

  it('serves OpenMetrics to a scraper that asks for it', async () => {
    const res = await fetch(`${url}/metrics`, {
      headers: { ...auth, accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(res.headers.get('content-type')).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    expect((await res.text()).endsWith('# EOF\n')).toBe(true);
  });
});
