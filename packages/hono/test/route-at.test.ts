import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { describe, expect, it } from 'vitest';
import { routeAt } from '../src/mount.js';

describe('routeAt', () => {
  it("gives matchedRoutes(c)[i] for every index, read from Hono's match result", async () => {
    const seen: [string | undefined, string | undefined][] = [];
    const symbolGetters: number[] = [];
    const app = new Hono();
    app.use(async (c, next) => {
      const proto = Object.getPrototypeOf(c.req) as object;
      symbolGetters.push(
        Object.getOwnPropertySymbols(proto).filter(
          (s) => typeof Object.getOwnPropertyDescriptor(proto, s)?.get === 'function',
        ).length,
      );
      await next();
      const listed = matchedRoutes(c);
      for (let i = -1; i <= listed.length; i++) seen.push([routeAt(c, i)?.path, listed[i]?.path]);
    });
    app.use('/api/*', async (_c, next) => await next());
    app.get('/api/users/:id', (c) => c.text('user'));
    expect((await app.request('/api/users/7')).status).toBe(200);
    expect((await app.request('/nowhere')).status).toBe(404);
    for (const [mine, theirs] of seen) expect(mine).toBe(theirs);
    expect(seen.map(([path]) => path)).toEqual([
      undefined,
      '/*',
      '/api/*',
      '/api/users/:id',
      undefined,
      undefined,
      '/*',
      undefined,
    ]);
    // A Hono that stops keeping its match result behind one symbol getter fails here: routeAt
    // would fall back to matchedRoutes, which is correct but builds the list on every call.
    expect(symbolGetters).toEqual([1, 1]);
  });
});
