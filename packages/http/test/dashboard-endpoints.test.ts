import { createLens } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
import { Endpoints, endpointPaths } from '../src/internal.js';

const PKG = '@inferlens/test';
const lens = () => createLens({ engine: 'e' });
const basic = (user: string, pass: string) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('the /dashboard endpoint', () => {
  it('is on by default, moves, turns off, and never outlives /metrics', () => {
    expect([...endpointPaths(PKG, {}).entries()]).toContainEqual(['/dashboard', 'dashboard']);
    expect(endpointPaths(PKG, { dashboardPath: '/ops/live' }).get('/ops/live')).toBe('dashboard');
    expect([...endpointPaths(PKG, { dashboardPath: false }).values()]).not.toContain('dashboard');
    // The page reads /metrics: no /metrics, no page, and asking for one says why.
    expect([...endpointPaths(PKG, { metricsPath: false }).values()]).toEqual(['health', 'status']);
    expect(() => endpointPaths(PKG, { metricsPath: false, dashboardPath: '/d' })).toThrow(
      '[@inferlens/test] dashboardPath: the dashboard reads /metrics; set metricsPath too',
    );
    expect(() => endpointPaths(PKG, { dashboardPath: '/status' })).toThrow(
      'dashboardPath: "/status" is used twice',
    );
    expect(() => endpointPaths(PKG, { dashboardPath: 'dashboard' })).toThrow(
      'dashboardPath: must be a path starting with "/"',
    );
  });

  it('with a bearer token: serves the page (it holds no data) and still guards the data', async () => {
    const e = new Endpoints(PKG, { lens: lens(), auth: { bearer: 's3cret-token' } });
    const page = await e.handle('dashboard', undefined, undefined);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('id="auth"'); // the token field
    expect(page.body).toContain('"auth":"bearer"');
    expect(page.body).not.toContain('s3cret-token');
    expect((await e.handle('metrics', undefined, undefined)).status).toBe(401);
    expect((await e.handle('status', undefined, undefined)).status).toBe(401);
    expect((await e.handle('metrics', undefined, 'Bearer s3cret-token')).status).toBe(200);
  });

  it('with a check function: the page asks for a token the function then sees', async () => {
    const seen: (string | undefined)[] = [];
    const e = new Endpoints(PKG, {
      lens: lens(),
      auth: (h) => {
        seen.push(h);
        return h === 'Bearer ok';
      },
    });
    expect((await e.handle('dashboard', undefined, undefined)).body).toContain('"auth":"bearer"');
    expect(seen).toEqual([]); // the page does not consult it
    expect((await e.handle('metrics', undefined, 'Bearer ok')).status).toBe(200);
  });

  it('with basic auth: the page itself asks, so the browser resends the credentials', async () => {
    const e = new Endpoints(PKG, {
      lens: lens(),
      auth: { basic: { username: 'ops', password: 'pw' }, bearer: 'tok' },
    });
    const denied = await e.handle('dashboard', undefined, undefined);
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="metrics", charset="UTF-8"');
    expect(denied.body).toBe('Unauthorized\n');
    const page = await e.handle('dashboard', undefined, basic('ops', 'pw'));
    expect(page.status).toBe(200);
    expect(page.body).toContain('"auth":"basic"');
    expect((await e.handle('dashboard', undefined, basic('ops', 'nope'))).status).toBe(401);
  });

  it('without auth: the page polls plainly, relative to where it is served', async () => {
    const e = new Endpoints(PKG, {
      lens: lens(),
      dashboardPath: '/ops/dashboard',
      metricsPath: '/ops/prom',
      statusPath: false,
    });
    const page = await e.handle('dashboard', undefined, undefined);
    expect(page.body).toContain('"metricsUrl":"./prom","statusUrl":null,"auth":"none"');
    expect(e.match('GET', '/ops/dashboard')).toBe('dashboard');
    expect(e.match('GET', '/dashboard')).toBeUndefined();
  });
});
