import {
  chunkStream,
  type EndpointKind,
  type EndpointOptions,
  type Endpoints,
  Endpoints as EndpointsClass,
} from '@inferlens/http/internal';
import type { Context, MiddlewareHandler } from 'hono';
import { pathUnderMount } from './mount.js';
import { PKG } from './pkg.js';

/** Answers `c` for one endpoint; `matchEndpoint` says which, synchronously, so other requests
 * pay no extra await. */
export async function serveEndpoint(
  endpoints: Endpoints,
  kind: EndpointKind,
  c: Context,
): Promise<Response> {
  const head = c.req.method === 'HEAD';
  const r = await endpoints.handle(
    kind,
    c.req.header('accept'),
    c.req.header(endpoints.authHeader),
    { stream: !head },
  );
  // /metrics streams, rendered in slices as the client reads; a cancel stops the render.
  const body =
    r.stream !== undefined ? (chunkStream(r.stream) as unknown as ReadableStream) : r.body;
  return new Response(head ? null : body, { status: r.status, headers: r.headers });
}

/**
 * `/metrics`, `/health`, `/status` and the `/dashboard` page without request recording, for a
 * separate app or port, or mounted under a path of the app.
 *
 * @example
 * const admin = new Hono();
 * admin.use(inferlensEndpoints({ lens, auth: { bearer: process.env.METRICS_TOKEN! } }));
 * serve({ fetch: admin.fetch, port: 9464 });
 *
 * // Or under a path of the app: /ops/metrics, /ops/health, /ops/status, /ops/dashboard.
 * app.route('/ops', admin);
 */
export function inferlensEndpoints(options: EndpointOptions = {}): MiddlewareHandler {
  const endpoints = new EndpointsClass(PKG, options);
  return async function inferlensEndpointsMiddleware(c, next) {
    const kind = endpoints.match(c.req.method, pathUnderMount(c));
    if (kind !== undefined) return serveEndpoint(endpoints, kind, c);
    await next();
  };
}
