import { createServer } from 'node:http';
import { createLens } from '@inferlens/core';
import { scrapeWith } from '@inferlens/prom-client';
import express from 'express';
import express4 from 'express4';
import { collectDefaultMetrics, Registry } from 'prom-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { histogram, seriesOf, total, waitFor } from '../../http/test/support/store.js';
import inferlensDefault, { inferlens, inferlensEndpoints } from '../src/index.js';
import { buildApp } from './app.js';

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('%s in-process', (_name, factory) => {
  it('counts bytes through res.locals, and still ends a request whose app replaced it', async () => {
    const lens = createLens({ engine: 'e' });
    const app = factory();
    app.use(inferlens({ lens }));
    app.use(express.json());
    app.post('/echo', (req, res) => {
      res.send(JSON.stringify(req.body));
    });
    app.get('/replaced', (_req, res) => {
      res.locals = { user: 'x' };
      res.send('twelve bytes');
    });
    await request(app).post('/echo').send({ hello: 'world' });
    await request(app).get('/replaced');
    await waitFor(() => total(lens, 'httpRequests') === 2, 2000, 'two requests');
    expect(histogram(lens, 'httpRequestSize', { route: '/echo' })).toEqual({ count: 1, sum: 17 });
    expect(histogram(lens, 'httpResponseSize', { route: '/echo' })).toEqual({ count: 1, sum: 17 });
    // The slot is gone, so the bytes of that response are not seen; its end is.
    expect(total(lens, 'httpRequests', { route: '/replaced', outcome: 'completed' })).toBe(1);
    expect(total(lens, 'httpRequestsInFlight')).toBe(0);
  });

  it('labels routes with the mounted template and folds unknown paths', async () => {
    const lens = createLens({ engine: 'e' });
    const app = factory();
    app.use(inferlens({ lens }));
    const router = factory.Router();
    router.get('/users/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    app.use('/api/v1', router);
    app.get('/', (_req, res) => {
      res.send('root');
    });
    for (const path of ['/api/v1/users/1', '/api/v1/users/2', '/', '/api/v1/nope', '/x/y/z'])
      await request(app).get(path);
    await waitFor(() => total(lens, 'httpRequests') === 5, 2000, 'five requests');
    expect(
      seriesOf(lens, 'httpRequests').map((s) => [s.labels.route, s.labels.status, s.value]),
    ).toEqual([
      ['/api/v1/users/:id', '200', 2],
      ['/', '200', 1],
      ['#unmatched', '404', 2],
    ]);
  });

  it('applies groupStatus, method, exclude and tenant labels', async () => {
    const lens = createLens({ engine: 'e' });
    const app = buildApp(factory, {
      lens,
      groupStatus: true,
      method: false,
      exclude: ['/hello'],
      labels: { tenant: (req) => req.headers['x-tenant'] as string | undefined },
    });
    await request(app).get('/hello');
    await request(app).get('/users/1').set('x-tenant', 'acme');
    await request(app).get('/users/2');
    await waitFor(() => total(lens, 'httpRequests') === 2, 2000, 'two requests');
    expect(seriesOf(lens, 'httpRequests').map((s) => s.labels)).toEqual([
      { method: '', route: '/users/:id', status: '2xx', outcome: 'completed', tenant: 'acme' },
      { method: '', route: '/users/:id', status: '2xx', outcome: 'completed', tenant: '' },
    ]);
  });

  it('serves /metrics with auth and a prefix, HEAD included', async () => {
    const lens = createLens({ engine: 'e' });
    const app = buildApp(factory, {
      lens,
      prefix: 'gw_',
      auth: { bearer: 'tok', basic: { username: 'prom', password: 'pw' } },
    });
    await request(app).get('/hello');
    expect((await request(app).get('/metrics')).status).toBe(401);
    expect(
      (await request(app).get('/metrics').set('authorization', 'Bearer nope')).headers[
        'www-authenticate'
      ],
    ).toMatch(/^Basic/);
    const ok = await request(app).get('/metrics').auth('prom', 'pw');
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(ok.text).toContain(
      'gw_http_requests_total{method="GET",route="/hello",status="200",outcome="completed"} 1',
    );
    const head = await request(app).head('/metrics').set('authorization', 'Bearer tok');
    expect(head.status).toBe(200);
    expect(head.text ?? '').toBe('');
    expect((await request(app).get('/health')).body).toEqual({ status: 'ok' });
    expect((await request(app).post('/metrics')).status).toBe(404); // only GET and HEAD are endpoints
  });

  it('mounts the endpoints on a separate app or a plain node server', async () => {
    const lens = createLens({ engine: 'e' });
    const app = buildApp(factory, { lens, endpoints: false });
    await request(app).get('/hello');
    expect((await request(app).get('/metrics')).status).toBe(404);
    const admin = factory();
    admin.use(inferlensEndpoints({ lens, metricsPath: '/internal/metrics' }));
    admin.get('/other', (_req, res) => {
      res.send('other');
    });
    expect((await request(admin).get('/internal/metrics')).text).toContain('route="/hello"');
    expect((await request(admin).get('/other')).text).toBe('other');
    const plain = createServer(inferlensEndpoints({ lens }));
    expect((await request(plain).get('/status')).body).toMatchObject({ status: 'ready' });
    expect((await request(plain).get('/elsewhere')).status).toBe(404);
    expect(total(lens, 'httpRequests')).toBe(1);
  });

  it('records an error passed to next() and lets the error handler answer', async () => {
    const lens = createLens({ engine: 'e' });
    const errors: unknown[] = [];
    const app = factory();
    app.use(inferlens({ lens }));
    app.get('/async', async (_req, _res, next) => {
      await Promise.resolve();
      next(Object.assign(new Error('teapot'), { status: 418 }));
    });
    app.use(
      (
        err: Error & { status?: number },
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        errors.push(err);
        res.status(err.status ?? 500).send(err.message);
      },
    );
    const r = await request(app).get('/async');
    expect(r.status).toBe(418);
    expect(errors).toHaveLength(1);
    await waitFor(() => total(lens, 'httpRequests') === 1, 2000, 'the request');
    expect(seriesOf(lens, 'httpRequests')[0]!.labels).toMatchObject({
      route: '/async',
      status: '418',
      outcome: 'completed',
    });
    expect(histogram(lens, 'httpResponseSize').sum).toBe('teapot'.length);
  });
});

describe('@inferlens/express', () => {
  it('serves process metrics from prom-client beside the lens through `scrape`', async () => {
    const lens = createLens({ engine: 'e' });
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const app = buildApp(express, { lens, scrape: scrapeWith(lens, [registry]) });
    await request(app).get('/hello');
    const text = (await request(app).get('/metrics')).text;
    expect(text).toContain(
      'http_requests_total{method="GET",route="/hello",status="200",outcome="completed"} 1',
    );
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it('exports the middleware as default and by name, and creates a lens when none is given', () => {
    expect(inferlensDefault).toBe(inferlens);
    const mw = inferlens({ buckets: [0.1, 1] });
    expect([...mw.lens.store.family('httpRequestDuration').bounds]).toEqual([0.1, 1]);
    expect(mw.name).toBe('inferlensMiddleware');
  });

  it('rejects bad options at setup with its name', () => {
    expect(() => inferlens({ maxRoutes: -1 })).toThrow(
      '[@inferlens/express] maxRoutes: must be a positive integer',
    );
    expect(() => inferlens({ metricsPath: 'metrics' })).toThrow('[@inferlens/express] metricsPath');
    expect(() => inferlensEndpoints({ auth: { bearer: '' } })).toThrow(
      '[@inferlens/express] auth.bearer',
    );
  });
});
