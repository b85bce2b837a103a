import type { Lens } from '@inferlens/core';
import { type AdapterOptions, createAdapter, trackNodeRequest } from '@inferlens/http/internal';
import { serveEndpoint } from './endpoints.js';
import { PKG } from './pkg.js';
import type { ExpressRequest, ExpressResponse, NextFunction } from './types.js';

/**
 * The middleware's options: recording (`groupStatus`, `exclude`, `route`, `labels`, …) and the
 * endpoints (`auth`, the paths, `metricPrefix`, …); see `@inferlens/http`'s README.
 *
 * @example
 * const options: InferlensOptions = { lens, groupStatus: true, exclude: ['/ping'] };
 * app.use(inferlens(options));
 */
export type InferlensOptions = AdapterOptions<ExpressRequest>;

/**
 * The Express middleware, with the lens it records into.
 *
 * @example
 * const middleware: InferlensMiddleware = inferlens();
 * app.use(middleware);
 * middleware.lens.series('requestsRunning', { model_name: 'm' }).set(2);
 */
export type InferlensMiddleware = ((
  req: ExpressRequest,
  res: ExpressResponse,
  next: NextFunction,
) => void) & {
  /** The lens the middleware records into (the one you passed, or the one it created). */
  readonly lens: Lens;
};

/**
 * The route template Express matched: the mount path of the router plus the route's path, so
 * `/users/42` under `app.use('/api', router)` is `/api/users/:id`. No route (404s, responses sent
 * by middleware such as static files) reads `#unmatched`.
 */
function expressRoute(req: ExpressRequest): string | undefined {
  const path = req.route?.path;
  if (path === undefined) return undefined;
  return (req.baseUrl ?? '') + (typeof path === 'string' ? path : String(path));
}

/**
 * Express's own per-request storage, `res.locals` (a request reaches it through `req.res`),
 * where the request's exchange is found by the wrappers on Express's response prototype (see
 * `@inferlens/http`'s README, "How it works"). Express creates it before any middleware runs.
 */
function expressLocals(reqOrRes: object): object | undefined {
  const o = reqOrRes as { locals?: unknown; res?: { locals?: unknown } };
  const locals = o.locals ?? o.res?.locals;
  return typeof locals === 'object' && locals !== null ? locals : undefined;
}

/**
 * Express 4 and 5 middleware: records every request into the lens (duration to the end of the
 * body, time to the first body byte, bytes really read and written, in-flight, aborts) and serves
 * `/metrics`, `/health` and `/status`. Register it first, before body parsers and routers.
 *
 * @example
 * import express from 'express';
 * import { createLens } from '@inferlens/core';
 * import { inferlens } from '@inferlens/express';
 *
 * const lens = createLens({ engine: 'my-engine' });
 * const app = express();
 * app.use(inferlens({ lens, groupStatus: true }));
 * app.get('/v1/models/:id', (req, res) => res.json({ id: req.params.id }));
 */
export function inferlens(options: InferlensOptions = {}): InferlensMiddleware {
  const { lens, recorder, endpoints } = createAdapter(PKG, options, expressRoute);
  const middleware = function inferlensMiddleware(
    req: ExpressRequest,
    res: ExpressResponse,
    next: NextFunction,
  ): void {
    let method: string | undefined;
    let url: string | undefined;
    try {
      method = req.method;
      url = req.url;
      if (endpoints !== undefined && serveEndpoint(endpoints, req, res, method, url)) return;
      url = req.originalUrl ?? url;
    } catch {
      // A request whose fields throw is not an endpoint request; it goes on to the app.
    }
    trackNodeRequest(recorder, req, req, res, method, url, undefined, expressLocals);
    next();
  };
  return Object.assign(middleware, { lens });
}
