import { createLens } from '@inferlens/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Endpoints, endpointPaths, VERSION } from '../src/internal.js';

const PKG = '@inferlens/test';

describe('Endpoints', () => {
  afterEach(() => vi.useRealTimers());

  it('matches GET and HEAD on the configured paths only', () => {
    const e = new Endpoints(PKG, {
      lens: createLens({ engine: 'e' }),
      statusPath: '/ready',
      healthPath: false,
    });
    expect(e.match('GET', '/metrics')).toBe('metrics');
    expect(e.match('HEAD', '/ready')).toBe('status');
    expect(e.match('GET', '/health')).toBeUndefined();
    expect(e.match('POST', '/metrics')).toBeUndefined();
    expect(e.match('GET', '/dashboard')).toBe('dashboard');
    expect(e.paths).toEqual(['/metrics', '/ready', '/dashboard']);
    expect(() => endpointPaths(PKG, { metricsPath: '/x', statusPath: '/x' })).toThrow(
      '[@inferlens/test] statusPath: "/x" is used twice',
    );
    expect(() => endpointPaths(PKG, { metricsPath: 'metrics' })).toThrow(
      'metricsPath: must be a path starting with "/"',
    );
  });

  it('serves the exposition by Accept with its content type, prefixed when asked', async () => {
    const lens = createLens({ engine: 'e' });
    lens
      .series('httpRequests', { method: 'GET', route: '/', status: '200', outcome: 'completed' })
      .inc();
    const e = new Endpoints(PKG, { lens, prefix: 'gw_' });
    const text = await e.handle('metrics', undefined, undefined);
    expect(text.status).toBe(200);
    expect(text.headers).toEqual({
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'cache-control': 'no-store',
    });
    expect(text.body).toContain(
      'gw_http_requests_total{method="GET",route="/",status="200",outcome="completed"} 1',
    );
    const om = await e.handle(
      'metrics',
      'application/openmetrics-text;version=1.0.0,text/plain;q=0.5',
      undefined,
    );
    expect(om.headers['content-type']).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    expect(om.body).toMatch(/# TYPE gw_http_requests counter\n/);
    expect(() => new Endpoints(PKG, { lens, prefix: '1x' })).toThrow(
      '[@inferlens/test] prefix: must be a valid metric name start',
    );
  });

  it('uses a custom scrape and answers a failing one with a bare 500', async () => {
    const lens = createLens({ engine: 'e' });
    const ok = new Endpoints(PKG, {
      lens,
      scrape: (accept) => ({ contentType: 'text/plain', body: `accept=${accept}` }),
    });
    expect((await ok.handle('metrics', 'x/y', undefined)).body).toBe('accept=x/y');
    const bad = new Endpoints(PKG, {
      lens,
      scrape: () => Promise.reject(new Error('db password is hunter2')),
    });
    const r = await bad.handle('metrics', undefined, undefined);
    expect(r.status).toBe(500);
    expect(r.body).not.toContain('hunter2');
  });

  it('protects /metrics and /status, never /health', async () => {
    const e = new Endpoints(PKG, { lens: createLens({ engine: 'e' }), auth: { bearer: 'tok' } });
    const denied = await e.handle('metrics', undefined, 'Bearer nope');
    expect(denied).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="metrics"' },
    });
    expect((await e.handle('status', undefined, undefined)).status).toBe(401);
    expect((await e.handle('metrics', undefined, 'Bearer tok')).status).toBe(200);
    expect(await e.handle('health', undefined, undefined)).toMatchObject({
      status: 200,
      body: '{"status":"ok"}',
    });
    const b = new Endpoints(PKG, {
      lens: createLens({ engine: 'e' }),
      auth: { basic: { username: 'u', password: 'p' } },
    });
    expect((await b.handle('metrics', undefined, undefined)).headers['www-authenticate']).toMatch(
      /^Basic realm=/,
    );
  });

  it('summarises version, uptime, models, engine state, in-flight and GPU in /status', async () => {
    const lens = createLens({ engine: 'vllm' });
    lens.request({ model: 'llama' }).queued();
    const running = lens.request({ model: 'qwen' });
    running.queued();
    running.started();
    lens.series('httpRequestsInFlight', { method: 'POST' }).set(3);
    // A model with only counters recorded is listed too.
    lens.series('promptTokens', { model_name: 'embedder' }).inc(7);
    const e = new Endpoints(PKG, {
      lens,
      version: '1.2.3',
      gpu: { available: false, reason: 'libnvidia-ml.so.1 not found' },
    });
    const r = await e.handle('status', undefined, undefined);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body);
    expect(body).toEqual({
      status: 'ready',
      version: '1.2.3',
      inferlens: VERSION,
      uptimeSeconds: expect.any(Number),
      engine: { name: 'vllm', state: 'busy', requestsRunning: 1, requestsWaiting: 1 },
      models: [
        { name: 'llama', engine: 'vllm', running: 0, waiting: 1 },
        { name: 'qwen', engine: 'vllm', running: 1, waiting: 0 },
        { name: 'embedder', engine: 'vllm', running: 0, waiting: 0 },
      ],
      inFlight: { http: 3, requests: 2 },
      gpu: { available: false, reason: 'libnvidia-ml.so.1 not found' },
    });
    expect(body.uptimeSeconds).toBeGreaterThan(0);
  });

  it('answers 503 while not ready, with the state the app gives', async () => {
    const lens = createLens({ engine: 'e' });
    const loading = new Endpoints(PKG, {
      lens,
      ready: async () => ({ ready: false, state: 'loading' }),
    });
    const r = await loading.handle('status', undefined, undefined);
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'not_ready', engine: { state: 'loading' } });
    const throwing = new Endpoints(PKG, { lens, ready: () => JSON.parse('{') });
    expect((await throwing.handle('status', undefined, undefined)).status).toBe(503);
    expect(
      JSON.parse(
        (
          await new Endpoints(PKG, { lens, ready: () => true }).handle(
            'status',
            undefined,
            undefined,
          )
        ).body,
      ).engine.state,
    ).toBe('idle');
  });

  it('shows only the known fields of its sources, never secrets they carry', async () => {
    const lens = createLens({ engine: 'e' });
    const gpu = {
      available: true,
      apiKey: 'sk-live-123',
      env: { OPENAI_API_KEY: 'sk-456' },
      devices: [{ uuid: 'GPU-1' }],
    };
    const ready = () => ({
      ready: true,
      state: 'running',
      prompt: 'tell me the password',
      token: 'sk-789',
    });
    const e = new Endpoints(PKG, { lens, gpu: () => gpu, ready, version: 'v'.repeat(500) });
    const r = await e.handle('status', undefined, undefined);
    expect(r.body).not.toMatch(/sk-|password|OPENAI|GPU-1/);
    const body = JSON.parse(r.body);
    expect(body.gpu).toEqual({ available: true });
    expect(body.version).toHaveLength(64);
    expect(Object.keys(body)).toEqual([
      'status',
      'version',
      'inferlens',
      'uptimeSeconds',
      'engine',
      'models',
      'inFlight',
      'gpu',
    ]);
  });

  it('does not hang on a GPU source that never answers', async () => {
    vi.useFakeTimers();
    const e = new Endpoints(PKG, {
      lens: createLens({ engine: 'e' }),
      gpu: () => new Promise(() => {}),
    });
    const pending = e.handle('status', undefined, undefined);
    await vi.advanceTimersByTimeAsync(2000);
    expect(JSON.parse((await pending).body).gpu).toEqual({
      available: false,
      reason: 'GPU source did not answer',
    });
  });
});
