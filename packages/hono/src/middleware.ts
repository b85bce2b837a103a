import type { Lens } from '@inferlens/core';
import {
  type AdapterOptions,
  type ByteStream,
  createAdapter,
  type Endpoints,
  type Exchange,
  followNodeResponse,
  type NodeRequestLike,
  type NodeResponseLike,
  wrapRequestBody,
  wrapResponseBody,
} from '@inferlens/http/internal';
import type { Context, MiddlewareHandler } from 'hono';
import { serveEndpoint } from './endpoints.js';
import { pathUnderMount, routeAt } from './mount.js';
import { PKG } from './pkg.js';

/**
 * The middleware's options: recording (`groupStatus`, `exclude`, `route`, `labels`, …) and the
 * endpoints (`auth`, the paths, `metricPrefix`, …); see `@inferlens/http`'s README.
 *
 * @example
 * const options: InferlensOptions = { lens, labels: { tenant: (c) => c.req.header('x-tenant') } };
 * app.use(inferlens(options));
 */
export type InferlensOptions = AdapterOptions<Context>;

/**
 * The Hono middleware, with the lens it records into.
 *
 * @example
 * const middleware: InferlensMiddleware = inferlens();
 * app.use(middleware);
 * console.log(middleware.lens.render());
 */
export type InferlensMiddleware = MiddlewareHandler & {
  /** The lens the middleware records into (the one you passed, or the one it created). */
  readonly lens: Lens;
};

/** `c.env` under @hono/node-server: the raw Node request and response. */
interface NodeBindings {
  incoming?: NodeRequestLike;
  outgoing?: NodeResponseLike;
}

function nodeBindings(c: Context): NodeBindings | undefined {
  const env = c.env as NodeBindings | undefined;
  const out = env?.outgoing;
  return out !== undefined && typeof out.on === 'function' && typeof out.write === 'function'
    ? env
    : undefined;
}

/**
 * The pattern of the handler running (or that answered), read when the request ends: by then the
 * route index points at the last handler dispatched, while inside this middleware before `next()`
 * it points at the middleware itself (hono#3876). A catch-all middleware (`ALL`) on a 404 means no
 * route matched. A client that leaves while the handler works gets that handler's pattern.
 */
function honoRoute(c: Context): string | undefined {
  const route = routeAt(c, c.req.routeIndex);
  if (route === undefined || (route.method === 'ALL' && (c.finalized ? c.res.status : 404) === 404))
    return undefined;
  return route.path;
}

/**
 * Whether `path` can be one of the endpoints, mounted anywhere: it ends with an endpoint's path.
 * Most requests are not, and skip finding the mount.
 */
function mayBeEndpoint(endpoints: Endpoints, method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const paths = endpoints.paths;
  for (let i = 0; i < paths.length; i++) if (path.endsWith(paths[i]!)) return true;
  return false;
}

/** Ends the exchange with the body: at once without one, else when the wrapped body ends. */
function endWithBody(c: Context, ex: Exchange<Context>): void {
  const res = c.res;
  const body = res.body as unknown as ByteStream | null;
  // HEAD answers reuse the GET response and drop its body, so it would never be read.
  if (body === null || c.req.method === 'HEAD') return ex.end(res.status, false);
  const wrapped = wrapResponseBody(ex, body, res.status) as unknown as ReadableStream<Uint8Array>;
  c.res = new Response(wrapped, res);
  // workerd stops pulling the body of a client that left but never cancels it; with the
  // `enable_request_signal` flag it aborts the request's signal instead. Once the body has ended
  // (Deno aborts the signal then too) this second end is ignored.
  c.req.raw.signal?.addEventListener('abort', () => ex.end(res.status, true), { once: true });
}

/**
 * Hono 4 middleware: records every request into the lens (duration to the end of the streamed
 * body, time to the first body byte, bytes really read and written, in-flight, cancels) and serves
 * `/metrics`, `/health` and `/status`. On Node (@hono/node-server) it follows the raw response;
 * elsewhere (Bun, Deno, Workers) it wraps the response body, since the handler returns before a
 * stream is sent.
 *
 * @example
 * import { Hono } from 'hono';
 * import { createLens } from '@inferlens/core';
 * import { inferlens } from '@inferlens/hono';
 *
 * const lens = createLens({ engine: 'my-engine' });
 * const app = new Hono();
 * app.use(inferlens({ lens, groupStatus: true }));
 * app.get('/v1/models/:id', (c) => c.json({ id: c.req.param('id') }));
 */
export function inferlens(options: InferlensOptions = {}): InferlensMiddleware {
  const { lens, recorder, endpoints } = createAdapter(PKG, options, honoRoute);
  const hasUserRoute = options?.route !== undefined;
  const middleware: MiddlewareHandler = async function inferlensMiddleware(c, next) {
    let ex: Exchange<Context> | undefined;
    let node: NodeBindings | undefined;
    try {
      const method = c.req.method;
      const path = c.req.path;
      if (endpoints !== undefined && mayBeEndpoint(endpoints, method, path)) {
        const kind = endpoints.match(method, pathUnderMount(c));
        if (kind !== undefined) return await serveEndpoint(endpoints, kind, c);
      }
      ex = recorder.begin(method, path, c);
      if (ex !== undefined) {
        node = nodeBindings(c);
        if (
          node !== undefined &&
          !followNodeResponse(ex, node.incoming ?? {}, node.outgoing!, method)
        )
          node = undefined;
        if (node === undefined && c.req.raw.body !== null)
          c.req.raw = new Request(c.req.raw, {
            body: wrapRequestBody(
              ex,
              c.req.raw.body as unknown as ByteStream,
            ) as unknown as ReadableStream,
            duplex: 'half',
          } as RequestInit);
      }
    } catch {
      // Never let recording break a request: end the exchange with the body instead, so
      // in-flight still comes back down (a second end, from the Node response, is ignored).
      node = undefined;
    }
    if (ex === undefined) return next();
    try {
      await next();
    } catch (error) {
      // Reached only when no error handler answered; Hono's own turns errors into c.error.
      ex.fail();
      if (node === undefined) ex.end(500, false);
      throw error;
    }
    // The handler that answered is known now, before the Node response is written; a failure
    // here leaves the route to be read when the request ends.
    if (!hasUserRoute && !ex.ended)
      try {
        ex.route = honoRoute(c) ?? '';
      } catch {
        ex.route = undefined;
      }
    try {
      if (c.error !== undefined) ex.fail();
      if (node === undefined) endWithBody(c, ex);
    } catch {
      ex.end(c.res.status, false);
    }
  };
  return Object.assign(middleware, { lens });
}
