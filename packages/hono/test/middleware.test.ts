import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { manualLens } from '../../core/test/helpers.js';
import { histogram, rows, seriesOf, total } from '../../http/test/support/store.js';
import inferlensDefault, { inferlens, inferlensEndpoints } from '../src/index.js';
import { buildApp } from './app.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('@inferlens/hono in-process (app.request: the body-wrapping path of Bun, Deno, Workers)', () => {
  it('times a streamed body to its end and its first chunk, from the body itself', async () => {
    const { lens, clock } = manualLens();
    const app = new Hono();
    app.use(inferlens({ lens }));
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    app.get(
      '/v1/stream',
      () => new Response(new ReadableStream({ start: (c) => void (controller = c) })),
    );
    const res = await app.request('/v1/stream');
    clock.t += 10; // the handler has returned: @hono/prometheus would record here
    expect(total(lens, 'httpRequests')).toBe(0);
    const reader = res.body!.getReader();
    clock.t += 90;
    controller.enqueue(enc('data: 1\n\n'));
    await reader.read();
    clock.t += 900;
    controller.enqueue(enc('data: 2\n\n'));
    await reader.read();
    controller.close();
    expect((await reader.read()).done).toBe(true);
    expect(
      histogram(lens, 'httpRequestDuration', { route: '/v1/stream', outcome: 'completed' }),
    ).toEqual({ count: 1, sum: 1 });
    expect(histogram(lens, 'httpTimeToFirstByte', { route: '/v1/stream' })).toEqual({
      count: 1,
      sum: 0.1,
    });
    expect(histogram(lens, 'httpResponseSize').sum).toBe(18);
  });

  it('records a cancelled body once as aborted; in-flight returns to 0', async () => {
    const { lens, clock } = manualLens();
    const app = buildApp({ lens });
    const res = await app.request('/sse?n=10&ms=1');
    const reader = res.body!.getReader();
    await reader.read();
    expect(total(lens, 'httpRequestsInFlight')).toBe(1);
    clock.t += 150;
    await reader.cancel();
    await reader.cancel();
    expect(seriesOf(lens, 'httpRequests')).toMatchObject([
      { labels: { route: '/sse', status: '200', outcome: 'aborted' }, value: 1 },
    ]);
    expect(histogram(lens, 'httpRequestDuration').sum).toBe(0.15);
    expect(total(lens, 'httpRequestsInFlight')).toBe(0);
  });

  it('records thrown errors after onError answered, and keeps HTTPException statuses', async () => {
    const { lens } = manualLens();
    const errors: unknown[] = [];
    const app = buildApp({ lens }, errors);
    app.get('/teapot', () => {
      throw new HTTPException(418, { message: 'teapot' });
    });
    const boom = await app.request('/boom');
    expect([boom.status, await boom.text()]).toEqual([500, 'failed']);
    await (await app.request('/teapot')).text();
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom', 'teapot']);
    expect(rows(lens, 'httpRequests', ['route', 'status', 'outcome'])).toEqual([
      ['/boom', '500', 'error'],
      ['/teapot', '418', 'completed'],
    ]);
  });

  it('labels templates through sub-apps, folds 404s, counts request bytes, ends HEAD at once', async () => {
    const { lens } = manualLens();
    const app = buildApp({ lens });
    const api = new Hono();
    api.get('/models/:id', (c) => c.json({ id: c.req.param('id') }));
    app.route('/api', api);
    app.use('/api/*', async (_c, next) => next());
    for (const path of ['/api/models/a', '/api/models/b', '/api/nope', '/nope'])
      await (await app.request(path)).text();
    expect(
      await (await app.request('/echo', { method: 'POST', body: 'é'.repeat(500) })).text(),
    ).toBe('500');
    expect((await app.request('/hello', { method: 'HEAD' })).status).toBe(200);
    expect(
      seriesOf(lens, 'httpRequests').map((s) => [
        s.labels.method,
        s.labels.route,
        s.labels.status,
        s.value,
      ]),
    ).toEqual([
      ['GET', '/api/models/:id', '200', 2],
      ['GET', '#unmatched', '404', 2],
      ['POST', '/echo', '200', 1],
      ['HEAD', '/hello', '200', 1],
    ]);
    expect(histogram(lens, 'httpRequestSize', { route: '/echo' }).sum).toBe(1000);
    expect(total(lens, 'httpRequestsInFlight')).toBe(0);
  });

  it('serves the endpoints with auth, and on a separate app', async () => {
    const { lens } = manualLens();
    const app = buildApp({
      lens,
      auth: { bearer: 'tok' },
      healthPath: '/livez',
      labels: { tenant: (c) => c.req.header('x-tenant') },
    });
    await (await app.request('/hello', { headers: { 'x-tenant': 'acme' } })).text();
    expect((await app.request('/metrics')).status).toBe(401);
    const ok = await app.request('/metrics', { headers: { authorization: 'Bearer tok' } });
    expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await ok.text()).toContain(
      'http_requests_total{method="GET",route="/hello",status="200",outcome="completed",tenant="acme"} 1',
    );
    expect(await (await app.request('/livez')).json()).toEqual({ status: 'ok' });
    const admin = new Hono();
    admin.use(inferlensEndpoints({ lens }));
    admin.get('/x', (c) => c.text('x'));
    expect(await (await admin.request('/status')).json()).toMatchObject({ status: 'ready' });
    expect(await (await admin.request('/x')).text()).toBe('x');
    expect(total(lens, 'httpRequests')).toBe(1);
  });

  it('exports the factory both ways and rejects bad options with its name', () => {
    expect(inferlensDefault).toBe(inferlens);
    expect(inferlens().lens.engine).toBe('http');
    expect(() => inferlens({ labels: { status: () => 'x' } })).toThrow(
      /^\[@inferlens\/hono\] labels: .*status/,
    );
  });
});
