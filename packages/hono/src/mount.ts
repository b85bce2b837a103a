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

type Route = Matched[number];
type MatchResult = [[[unknown, Route], unknown][], ...unknown[]];

/**
 * Hono's key of a request's match result: a symbol private to its module, read by `hono/route`
 * through a getter on `HonoRequest.prototype`. Found and checked against `matchedRoutes` on the
 * first request; null when that fails, and then the helper is used.
 */
let matchKey: symbol | null | undefined;

function findMatchKey(c: Context): symbol | null {
  const proto = Object.getPrototypeOf(c.req) as object;
  const getters = Object.getOwnPropertySymbols(proto).filter(
    (s) => typeof Object.getOwnPropertyDescriptor(proto, s)?.get === 'function',
  );
  if (getters.length !== 1) return null;
  const key = getters[0]!;
  const listed = routesOf(c);
  const result = (c.req as unknown as Record<symbol, MatchResult | undefined>)[key]?.[0];
  const agrees =
    Array.isArray(result) &&
    result.length === listed.length &&
    listed.every((route, i) => result[i]?.[0]?.[1] === route);
  return agrees ? key : null;
}

/**
 * The route at `index` of the routes Hono matched for this request: what `matchedRoutes(c)[index]`
 * gives, without building the whole list (the helper maps it anew on every call, and this runs
 * for every request).
 */
export function routeAt(c: Context, index: number): Route | undefined {
  if (matchKey === undefined) matchKey = findMatchKey(c);
  if (matchKey !== null) {
    const result = (c.req as unknown as Record<symbol, MatchResult | undefined>)[matchKey]?.[0];
    if (Array.isArray(result)) return result[index]?.[0]?.[1];
  }
  return routesOf(c)[index];
}

/**
 * The request path relative to where the running middleware is mounted: under
 * `app.route('/ops', admin)` (or `app.use('/ops/*', …)`) the middleware's own route is `/ops/*`,
 * and `/ops/metrics` is `/metrics` to it. Called before `next()`, while the route index still
 * points at the middleware. A mount path with parameters is left alone.
 */
export function pathUnderMount(c: Context): string {
  const path = c.req.path;
  const own = routeAt(c, c.req.routeIndex)?.path;
  if (own === undefined || !own.endsWith('*')) return path;
  const base = own.slice(0, -1).replace(/\/$/, '');
  if (base === '' || base.includes(':') || base.includes('*')) return path;
  return path.startsWith(`${base}/`) ? path.slice(base.length) : path;
}
