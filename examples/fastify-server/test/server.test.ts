import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer } from '../src/app.js';

let app: FastifyInstance;
let url: string;
const auth = { authorization: 'Bearer scrape-me' };

beforeAll(async () => {
  app = await createServer({ speed: 20, metricsToken: 'scrape-me' });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  app.server.closeAllConnections();
  await app.close();
});

const complete = (body: object, signal?: AbortSignal) =>
  fetch(`${url}/v1/completions`, {
    method: 'POST',
    body: JSON.stringify(body),
    signal,
    headers: { 'content-type': 'application/json', 'x-tenant': 'team-a' },
  });

describe('examples/fastify-server', () => {
  it('streams and answers completions, recording an abandoned stream as aborted (fastify#6208)', async () => {
    expect(await (await complete({ prompt: 'Hi', max_tokens: 16, stream: true })).text()).toMatch(
      /data: \[DONE\]\n\n$/,
    );
    expect(((await (await complete({ prompt: 'Hi' })).json()) as { id: string }).id).toMatch(
      /^req/,
    );
    const ac = new AbortController();
    const res = await complete(
      { prompt: 'More', max_tokens: 2000, ignore_eos: true, stream: true },
      ac.signal,
    );
    await res.body!.getReader().read();
    ac.abort();
    // The server learns of the abort a moment after the client; poll until it has recorded it.
    const text = await vi.waitFor(
      async () => {
        const body = await (await fetch(`${url}/metrics`, { headers: auth })).text();
        expect(body).toContain('outcome="aborted"');
        return body;
      },
      { timeout: 5000 },
    );
    expect(text).toContain(
      'http_requests_total{method="POST",route="/v1/completions",status="200",outcome="aborted",tenant="team-a"} 1',
    );
    expect(text).toContain(
      'http_requests_total{method="POST",route="/v1/completions",status="200",outcome="completed",tenant="team-a"} 2',
    );
    expect(text).toMatch(
      /^llm_requests_total\{model_name="mistral-7b",engine="sim",finish_reason="abort"\} 1$/m,
    );
  });

  it('guards /metrics and /status with the token and keeps /health open', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const status = await fetch(`${url}/status`, { headers: auth });
    expect(await status.json()).toMatchObject({
      status: 'ready',
      models: [{ name: 'mistral-7b' }],
      inFlight: { http: 0 },
    });
  });
});
