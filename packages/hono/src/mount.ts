import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

type Matched = ReturnType<typeof matchedRoutes>;

// `hono/route` reads the match through a symbol of its own module instance; an app that loads the
// other build of hono (CJS vs ESM) has a different symbol, and the helper throws. Then the
// request's own (deprecated, same data) getter is used from there on.
let helperWorks = true;

/** The routes Hono matched for this request, the running middleware among them. */
export function routesOf(c: Context): Matched {
  if (helperWorks) {
    try {
      return matchedRoutes(c);
    } catch {
      helperWorks = false;
    }
  }
  return (c.req as unknown as { matchedRoutes: Matched }).matchedRoutes;
}

/**
 * The request path relative to where the running middleware is mounted: under
 * `app.route('/ops', admin)` (or `app.use('/ops/*', …)`) the middleware's own route is `/ops/*`,
 * and `/ops/metrics` is `/metrics` to it. Called before `next()`, while the route index still
 * points at the middleware. A mount path with parameters is left alone.
 */
export function pathUnderMount(c: Context): string {
  const path = c.req.path;
  const own = routesOf(c)[c.req.routeIndex]?.path;
  if (own === undefined || !own.endsWith('*')) return path;
  const base = own.slice(0, -1).replace(/\/$/, '');
  if (base === '' || base.includes(':') || base.includes('*')) return path;
  return path.startsWith(`${base}/`) ? path.slice(base.length) : path;
}
