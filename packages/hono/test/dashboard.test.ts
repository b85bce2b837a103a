import { createLens } from '@inferlens/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { total } from '../../http/test/support/store.js';
import { inferlens, inferlensEndpoints } from '../src/index.js';

describe('@inferlens/hono: the dashboard page (app.request, the Web path of Bun, Deno, Workers)', () => {
  it('is served by the middleware, open with a bearer token while the data stays guarded', async () => {
    const lens = createLens({ engine: 'e' });
    const app = new Hono();
    app.use(inferlens({ lens, auth: { bearer: 'tok' } }));
    app.get('/', (c) => c.text('app'));
    const page = await app.request('/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    const html = await page.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('"auth":"bearer"');
    expect(await (await app.request('/dashboard', { method: 'HEAD' })).text()).toBe('');
    expect((await app.request('/metrics')).status).toBe(401);
    expect(
      (await app.request('/status', { headers: { authorization: 'Bearer tok' } })).status,
    ).toBe(200);
    expect(total(lens, 'httpRequests')).toBe(0);
    expect(await (await app.request('/')).text()).toBe('app');
  });

  it('is served by inferlensEndpoints at its own path, or not at all', async () => {
    const lens = createLens({ engine: 'e' });
    const admin = new Hono();
    admin.use(
      inferlensEndpoints({ lens, dashboardPath: '/ops/dashboard', metricsPath: '/ops/metrics' }),
    );
    const page = await admin.request('/ops/dashboard');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('"metricsUrl":"./metrics"');
    const none = new Hono();
    none.use(inferlensEndpoints({ lens, dashboardPath: false }));
    expect((await none.request('/dashboard')).status).toBe(404);
  });
});
