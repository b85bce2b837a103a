import type { Lens } from '@inferlens/core';
import { Endpoints, endpointPaths } from './endpoints.js';
import { type EndpointOptions, type RecordOptions, resolveLens } from './options.js';
import { HttpRecorder } from './recorder.js';

/**
 * Options every framework adapter takes: recording, the endpoints, and whether to serve them.
 *
 * @example
 * const options: AdapterOptions<unknown> = { lens, groupStatus: true, endpoints: false };
 */
export interface AdapterOptions<Req> extends RecordOptions<Req>, EndpointOptions {
  /** Serve `/metrics`, `/health` and `/status` from the middleware (default true). */
  endpoints?: boolean;
}

export interface Adapter<Req> {
  lens: Lens;
  recorder: HttpRecorder<Req>;
  /** Undefined when `endpoints: false`. */
  endpoints: Endpoints | undefined;
}

/**
 * What an adapter builds once at setup, from its options: the lens (given or created with the
 * buckets), the recorder (which never records the endpoint paths, also when another app serves
 * them) and the endpoints. Bad options throw here, prefixed with `pkg`.
 *
 * @example
 * const { lens, recorder, endpoints } = createAdapter('@inferlens/my-adapter', options, (req) => req.routeTemplate);
 */
export function createAdapter<Req>(
  pkg: string,
  options: AdapterOptions<Req> | undefined,
  frameworkRoute: (req: Req) => string | undefined,
): Adapter<Req> {
  const o = options ?? {};
  const lens = resolveLens(pkg, o.lens, o.buckets, o.summary);
  const paths = [...endpointPaths(pkg, o).keys()];
  const recorder = new HttpRecorder<Req>(pkg, { ...o, lens }, frameworkRoute, paths);
  const endpoints = o.endpoints === false ? undefined : new Endpoints(pkg, { ...o, lens }, lens);
  return { lens, recorder, endpoints };
}
