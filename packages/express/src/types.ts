import type { NodeRequestLike, NodeResponseLike } from '@inferlens/http/internal';

/**
 * The parts of an Express request the middleware reads. Structural, so it fits Express 4 and 5
 * (and plain Node `http`) without depending on @types/express.
 *
 * @example
 * const tenant = (req: ExpressRequest) => req.headers['x-tenant'] as string | undefined;
 */
export interface ExpressRequest extends NodeRequestLike {
  method?: string;
  url?: string;
  originalUrl?: string;
  baseUrl?: string;
  route?: { path?: unknown };
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The parts of an Express response the middleware uses.
 *
 * @example
 * const notFound = (_req: ExpressRequest, res: ExpressResponse) => { res.statusCode = 404; res.end(); };
 */
export interface ExpressResponse extends NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
}

/**
 * Express's `next`.
 *
 * @example
 * const passOn = (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => next();
 */
export type NextFunction = (error?: unknown) => void;

/** The first value of a header that may repeat. */
export function header(req: ExpressRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
