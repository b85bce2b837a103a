import { createLens } from '@inferlens/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { histogram, rows, seriesOf, total, waitFor } from '../../http/test/support/store.js';
import inferlensDefault, { inferlens, inferlensEndpoints } from '../src/index.js';
import { routeConfig } from '../src/plugin.js';
import { buildApp } from './app.js';

describe('@inferlens/fastify in-process (inject)', () => {
  it('labels routes with their template (prefix included), folds 404s, honours per-route opt-out', async () => {
    const lens = createLens({ engine: 'e' });
    const app = Fastify();
    await app.register(inferlens, { lens });
    await app.register(
      async (api) => {
        api.get<{ Params: { id: string } }>('/users/:id', async (request) => ({
          id: request.params.id,
        }));
        api.get('/private', { config: { inferlens: false } }, async () => 'private');
      },
      { prefix: '/api' },
    );
    for (const url of ['/api/users/1', '/api/users/2', '/api/private', '/nope/1', '/nope/2'])
      await app.inject({ url });
    await waitFor(() => total(lens, 'httpRequests') === 4, 2000, 'four requests');
    expect(
      seriesOf(lens, 'httpRequests').map((s) => [s.labels.route, s.labels.status, s.value]),
    ).toEqual([
      ['/api/users/:id', '200', 2],
      ['#unmatched', '404', 2],
    ]);
    expect(app.inferlens.lens).toBe(lens);
  });

  it('reads the route config from the route context, the object routeOptions.config returns', async () => {
    const app = Fastify();
    const seen: [string | undefined, unknown, unknown, boolean][] = [];
    app.addHook('onRequest', (request, _reply, done) => {
      const config = routeConfig(request);
      const context = Object.getOwnPropertySymbols(request).some(
        (s) => s.description === 'fastify.context',
      );
      seen.push([config.url, config, request.routeOptions.config, context]);
      done();
    });
    app.get('/users/:id', { config: { inferlens: false } }, async () => 'x');
    await app.inject({ url: '/users/1' });
    await app.inject({ url: '/missing' });
    // A Fastify that stops keeping the context under this symbol fails here: the plugin would
    // fall back to routeOptions, which is correct but builds an object per request.
    expect(seen.map(([url, , , context]) => [url, context])).toEqual([
      ['/users/:id', true],
      [undefined, true],
    ]);
    for (const [, config, fromOptions] of seen) expect(config).toBe(fromOptions);
    expect((seen[0]![1] as { inferlens?: boolean }).inferlens).toBe(false);
  });

  it('serves the opt-in duration summary with custom labels through /metrics', async () => {
    const app = Fastify();
    await app.register(inferlens, {
      summary: { quantiles: [0.5, 0.99] },
      labels: { tenant: (request) => request.headers['x-tenant'] as string | undefined },
    });
    app.get('/hello', async () => 'hi');
    for (let i = 0; i < 3; i++)
      await app.inject({ url: '/hello', headers: { 'x-tenant': 'acme' } });
    await waitFor(() => total(app.inferlens.lens, 'httpRequests') === 3, 2000, 'three requests');
    const body = (await app.inject({ url: '/metrics' })).body;
    const labels = 'method="GET",route="/hello",status="200",outcome="completed",tenant="acme"';
    expect(body).toContain('# TYPE http_request_duration_quantiles_seconds summary');
    expect(body).toContain(`http_request_duration_quantiles_seconds_count{${labels}} 3`);
    expect(body).toMatch(
      new RegExp(
        `^http_request_duration_quantiles_seconds\\{${labels},quantile="0.99"\\} \\d`,
        'm',
      ),
    );
  });

  it('records requests an onRequest hook rejects, and thrown errors as 500 errors', async () => {
    const lens = createLens({ engine: 'e' });
    const errors: unknown[] = [];
    const app = await buildApp({ lens, groupStatus: true }, errors);
    app.addHook('onRequest', async (request, reply) => {
      if (request.headers['x-deny']) await reply.code(401).send('no');
    });
    await app.inject({ url: '/hello', headers: { 'x-deny': '1' } });
    await app.inject({ url: '/boom' });
    await waitFor(() => total(lens, 'httpRequests') === 2, 2000, 'two requests');
    expect(rows(lens, 'httpRequests', ['route', 'status', 'outcome'])).toEqual([
      ['/hello', '4xx', 'completed'],
      ['/boom', '5xx', 'error'],
    ]);
    expect((errors[0] as Error).message).toBe('boom');
  });

  it('counts request bytes as read and response bytes as sent', async () => {
    const lens = createLens({ engine: 'e' });
    const app = await buildApp({ lens });
    const r = await app.inject({
      method: 'POST',
      url: '/echo',
      payload: 'ü'.repeat(1000),
      headers: { 'content-type': 'text/plain' },
    });
    expect(r.body).toBe('1000');
    await waitFor(() => total(lens, 'httpRequests') === 1, 2000, 'the request');
    expect(histogram(lens, 'httpRequestSize', { route: '/echo' }).sum).toBe(2000);
    expect(histogram(lens, 'httpResponseSize', { route: '/echo' }).sum).toBe(4);
  });

  it('routes the endpoints with auth and tenant labels, and serves them on another instance', async () => {
    const lens = createLens({ engine: 'e' });
    const app = await buildApp({
      lens,
      auth: { bearer: 'tok' },
      metricPrefix: 'api_',
      labels: { tenant: (r) => r.headers['x-tenant'] as string },
    });
    await app.inject({ url: '/hello', headers: { 'x-tenant': 'acme' } });
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
    const ok = await app.inject({
      url: '/metrics',
      headers: { authorization: 'Bearer tok', accept: 'application/openmetrics-text' },
    });
    expect(ok.headers['content-type']).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    expect(ok.body).toContain(
      'api_http_requests_total{method="GET",route="/hello",status="200",outcome="completed",tenant="acme"} 1',
    );
    expect((await app.inject({ method: 'HEAD', url: '/health' })).statusCode).toBe(200);
    const admin = Fastify();
    await admin.register(inferlensEndpoints, { lens, statusPath: '/ready' });
    expect(JSON.parse((await admin.inject({ url: '/ready' })).body)).toMatchObject({
      status: 'ready',
      inFlight: { http: 0 },
    });
    expect((await admin.inject({ url: '/status' })).statusCode).toBe(404);
    expect(total(lens, 'httpRequests')).toBe(1);
  });

  it('is a fastify-plugin named @inferlens/fastify for Fastify 5, exported both ways', async () => {
    expect(inferlensDefault).toBe(inferlens);
    const meta = (inferlens as unknown as Record<symbol, { name: string; fastify: string }>)[
      Symbol.for('plugin-meta')
    ];
    expect(meta).toMatchObject({ name: '@inferlens/fastify', fastify: '5.x' });
    const app = Fastify();
    await expect(app.register(inferlens, { maxRoutes: 0 }).ready()).rejects.toThrow(
      '[@inferlens/fastify] maxRoutes',
    );
  });
});
