import { expect } from 'vitest';

/**
 * Issue #16: the endpoints answer under the path they are mounted at, and only there. `base` is
 * the server's URL, `mount` the path (`/ops`); `/hello` on the app was requested once before, so
 * `/metrics` holds it; `namePrefix` is the metric name prefix the endpoints were given.
 */
export async function expectEndpointsUnder(
  base: string,
  mount: string,
  namePrefix = '',
): Promise<void> {
  const get = async (path: string) => {
    const r = await fetch(`${base}${path}`);
    return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
  };
  expect((await get('/hello')).body).toBe('hello');
  const metrics = await get(`${mount}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.type).toMatch(/^text\/plain/);
  expect(metrics.body).toMatch(
    new RegExp(`^${namePrefix}http_requests_total\\{[^}]*route="/hello"[^}]*\\} [1-9]`, 'm'),
  );
  expect(await get(`${mount}/health`)).toMatchObject({ status: 200, body: '{"status":"ok"}' });
  expect(JSON.parse((await get(`${mount}/status`)).body)).toMatchObject({ status: 'ready' });
  const page = await get(`${mount}/dashboard`);
  expect(page.status).toBe(200);
  expect(page.type).toMatch(/^text\/html/);
  // The page polls /metrics relative to itself, which lands under the mount too.
  expect(page.body).toContain('"metricsUrl":"./metrics"');
  // Not at the root: the mount path is where they live.
  expect((await get('/metrics')).status).toBe(404);
}
