import type { Exchange } from './exchange.js';
import { countRequestBody, countResponseBody, endOnClose, type RequestStorage } from './patch.js';
import type { HttpRecorder } from './recorder.js';

export type { RequestStorage } from './patch.js';

/** The parts of `http.IncomingMessage` the tracker touches. */
export interface NodeRequestLike {
  // Method syntax: parameters compare bivariantly, so Node's own signatures fit.
  push?(chunk: unknown, encoding?: string): unknown;
  readableLength?: number;
  /** 1 on HTTP/1 requests, whose connection follows their end (see patch.ts). */
  readonly httpVersionMajor?: number;
  readonly socket?: unknown;
}

/** The parts of `http.ServerResponse` the tracker touches. */
export interface NodeResponseLike {
  write(chunk: unknown, encoding?: string): unknown;
  end(chunk?: unknown, encoding?: string): unknown;
  on(event: 'close', listener: () => void): unknown;
  readonly headersSent: boolean;
  readonly statusCode: number;
  readonly writableEnded: boolean;
  readonly destroyed?: boolean;
  readonly socket?: unknown;
}

/**
 * A request that may carry a body. GET and HEAD are taken to have none (RFC 9110 §9.3.1 gives
 * such content no meaning), which spares the common case the wrapper.
 */
function mayHaveBody(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/**
 * Follows one Node request/response pair until it ends: the end on the response's `close`
 * (which Node emits after a complete response and when the client goes away; closed before
 * `end()` was called is an abort), response bytes and the first body byte as they are written,
 * request bytes as they are read. The `close` listener goes on first, so whatever fails after
 * it, the request still ends. Returns false, having attached nothing, when even that failed.
 * `storage` names the framework's per-request object, for frameworks that swap the prototype of
 * Node's objects (Express: `res.locals`; see patch.ts).
 *
 * @example
 * const ex = recorder.begin(req.method, req.url, req);
 * if (ex !== undefined && !followNodeResponse(ex, req, res, req.method)) ex.end(0, false);
 */
export function followNodeResponse<Req>(
  exchange: Exchange<Req>,
  req: NodeRequestLike,
  res: NodeResponseLike,
  method: string,
  storage?: RequestStorage,
): boolean {
  const ex = exchange as Exchange<unknown>;
  let frame: Record<string, unknown> | undefined;
  try {
    frame = endOnClose(ex, req, res, storage);
  } catch {
    return false;
  }
  try {
    countResponseBody(ex, res, storage, frame);
    if (mayHaveBody(method) && typeof req.push === 'function') countRequestBody(ex, req, storage);
  } catch {
    // The end is in place; only byte counts may be short.
  }
  return true;
}

/**
 * What the Express and Fastify adapters call for each request: begins it (unless excluded) and
 * follows its Node response. A request that cannot be followed is ended at once with the status
 * it has and counted as a dropped event, so in-flight never stays up. Never throws.
 *
 * @example
 * trackNodeRequest(recorder, req, req, res, req.method, req.originalUrl);
 */
export function trackNodeRequest<Req>(
  recorder: HttpRecorder<Req>,
  request: Req,
  req: NodeRequestLike,
  res: NodeResponseLike,
  method: string | undefined,
  url: string | undefined,
  route?: string,
  storage?: RequestStorage,
): void {
  let ex: Exchange<Req> | undefined;
  try {
    ex = recorder.begin(method, url, request);
    if (ex === undefined) return;
    if (route !== undefined) ex.route = route;
    if (followNodeResponse(ex, req, res, method ?? '', storage)) return;
  } catch {
    // Reached only when a hostile request object throws from a getter.
  }
  if (ex === undefined) return;
  recorder.lens.drop('listener_error');
  let status = 0;
  try {
    status = res.headersSent ? res.statusCode : 0;
  } catch {
    // A hostile response: the request ends without a status.
  }
  ex.end(status, false);
}
