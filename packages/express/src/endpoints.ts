import { ChunkPool } from '@inferlens/core/internal';
import {
  type ChunkSink,
  type EndpointOptions,
  Endpoints,
  pathOf,
  writeChunks,
} from '@inferlens/http/internal';
import { PKG } from './pkg.js';
import { type ExpressRequest, type ExpressResponse, header, type NextFunction } from './types.js';

/**
 * The buffers `/metrics` is written into, each reused once the socket has sent it: a scrape of
 * 100,000 series allocates next to nothing, so no collection stretches a slice (#17).
 */
const pool = new ChunkPool();

/**
 * Answers `req` when it is for one of the endpoints; false when it is not. Never throws. `method`
 * and `url` are the request's, read once by the caller (every read of an Express request's
 * property is a slow lookup: V8 keeps its prototype chain in dictionary mode).
 */
export function serveEndpoint(
  endpoints: Endpoints,
  req: ExpressRequest,
  res: ExpressResponse,
  method: string | undefined = req.method,
  url: string | undefined = req.url,
): boolean {
  // `req.url` is relative to where the middleware is mounted: `app.use('/ops', endpoints)` sees
  // `/metrics` for `/ops/metrics`, as Express strips the mount path.
  const kind = endpoints.match(method, pathOf(url ?? ''));
  if (kind === undefined) return false;
  const head = method === 'HEAD';
  endpoints
    .handle(kind, header(req, 'accept'), header(req, endpoints.authHeader), { stream: !head, pool })
    .then(
      (r) => {
        if (res.headersSent) return;
        res.statusCode = r.status;
        for (const [name, value] of Object.entries(r.headers)) res.setHeader(name, value);
        // /metrics streams, rendered in slices, so a big scrape never stalls other responses.
        if (r.stream !== undefined) return writeChunks(res as unknown as ChunkSink, r.stream, pool);
        res.end(head ? undefined : r.body);
      },
      () => {},
    );
  return true;
}

/**
 * The endpoints middleware, with the endpoints it serves.
 *
 * @example
 * const endpoints: EndpointsMiddleware = inferlensEndpoints({ lens });
 * admin.use(endpoints);
 */
export type EndpointsMiddleware = ((
  req: ExpressRequest,
  res: ExpressResponse,
  next?: NextFunction,
) => void) & { readonly endpoints: Endpoints };

/**
 * `/metrics`, `/health`, `/status` and the `/dashboard` page on their own, for a separate app or
 * port (or a plain `http.createServer`), or mounted under a path of the app. Other paths go to
 * `next()`, or get a 404 without one.
 *
 * @example
 * const admin = express();
 * admin.use(inferlensEndpoints({ lens, auth: { bearer: process.env.METRICS_TOKEN! } }));
 * admin.listen(9464);
 *
 * // Or under a path of the app: /ops/metrics, /ops/health, /ops/status, /ops/dashboard.
 * app.use('/ops', inferlensEndpoints({ lens }));
 */
export function inferlensEndpoints(options: EndpointOptions = {}): EndpointsMiddleware {
  const endpoints = new Endpoints(PKG, options);
  const middleware = function inferlensEndpointsMiddleware(
    req: ExpressRequest,
    res: ExpressResponse,
    next?: NextFunction,
  ): void {
    if (serveEndpoint(endpoints, req, res)) return;
    if (typeof next === 'function') return next();
    res.statusCode = 404;
    res.end();
  };
  return Object.assign(middleware, { endpoints });
}
