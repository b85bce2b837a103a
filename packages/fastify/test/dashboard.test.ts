import { createLens } from '@inferlens/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { total } from '../../http/test/support/store.js';
import { inferlens, inferlensEndpoints } from '../src/index.js';

describe('@inferlens/fastify: the dashboard page', () => {
  it('is routed by the plugin, protected with basic auth, and never recorded', async () => {
    const lens = createLens({ engine: 'e' });
    const app = Fastify();
    await app.register(inferlens, { lens, auth: { basic: { username: 'ops', password: 'pw' } } });
    const denied = await app.inject({ url: '/dashboard' });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="metrics", charset="UTF-8"');
    const authorization = `Basic ${Buffer.from('ops:pw').toString('base64')}`;
    const page = await app.inject({ url: '/dashboard', headers: { authorization } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('"auth":"basic"');
    const head = await app.inject({
      method: 'HEAD',
      url: '/dashboard',
      headers: { authorization },
    });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(total(lens, 'httpRequests')).toBe(0);
    await app.close();
  });

  it('is routed by inferlensEndpoints at its own path, or not at all', async () => {
    const lens = createLens({ engine: 'e' });
    const admin = Fastify();
    await admin.register(inferlensEndpoints, { lens, dashboardPath: '/live', statusPath: false });
    const page = await admin.inject({ url: '/live' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('"metricsUrl":"./metrics","statusUrl":null');
    const none = Fastify();
    await none.register(inferlens, { lens: createLens({ engine: 'e' }), dashboardPath: false });
    expect((await none.inject({ url: '/dashboard' })).statusCode).toBe(404);
    await Promise.all([admin.close(), none.close()]);
  });
});
