import { createServer } from 'node:http';
import { createLens } from '@inferlens/core';
import express from 'express';
import express4 from 'express4';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { total } from '../../http/test/support/store.js';
import { inferlens, inferlensEndpoints } from '../src/index.js';

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('%s: the dashboard page', (_name, factory) => {
  it('is served by the middleware, open with a bearer token while the data stays guarded', async () => {
    const lens = createLens({ engine: 'e' });
    const app = factory();
    app.use(inferlens({ lens, auth: { bearer: 'tok' } }));
    const page = await request(app).get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(
      /^default-src 'none'; script-src 'sha256-/,
    );
    expect(page.text).toContain('"metricsUrl":"./metrics","statusUrl":"./status","auth":"bearer"');
    const head = await request(app).head('/dashboard');
    expect(head.status).toBe(200);
    expect(head.text).toBeUndefined();
    expect((await request(app).get('/metrics')).status).toBe(401);
    expect((await request(app).get('/metrics').set('authorization', 'Bearer tok')).status).toBe(
      200,
    );
    expect(total(lens, 'httpRequests')).toBe(0); // the endpoints are never recorded
  });

  it('is served by inferlensEndpoints on its own app, at its own path, or not at all', async () => {
    const lens = createLens({ engine: 'e' });
    const admin = factory();
    admin.use(inferlensEndpoints({ lens, dashboardPath: '/ops/dashboard' }));
    const page = await request(admin).get('/ops/dashboard');
    expect(page.status).toBe(200);
    expect(page.text).toContain('"metricsUrl":"../metrics"');
    const plain = createServer(inferlensEndpoints({ lens, dashboardPath: false }));
    expect((await request(plain).get('/dashboard')).status).toBe(404);
  });
});
