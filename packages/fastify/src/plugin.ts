import type { Lens } from '@inferlens/core';
import { type AdapterOptions, createAdapter, trackNodeRequest } from '@inferlens/http/internal';
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { routeEndpoints, splitMount } from './endpoints.js';
import { PKG } from './pkg.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` leaves this route out of the HTTP metrics. */
    inferlens?: boolean;
  }
  interface FastifyInstance {
    /** The lens `@inferlens/fastify` records into. */
    inferlens: { lens: Lens };
  }
}

/**
 * The plugin's options. `endpoints: false` routes no `/metrics`, `/health` or `/status` on this
 * instance; `prefix` is Fastify's `register` option and mounts them under a path (`/ops`);
 * `metricPrefix` goes before the HTTP metric names.
 *
 * @example
 * await app.register(inferlens, { lens, prefix: '/ops', metricPrefix: 'gateway_' });
 */
export type InferlensOptions = AdapterOptions<FastifyRequest>;

/** Fastify has matched the route before `onRequest`; a 404 has no template. */
function fastifyRoute(request: FastifyRequest): string | undefined {
  return request.is404 ? undefined : routeConfig(request).url;
}

/** The parts of a route's `config` read here: Fastify adds `url`, the app may add `inferlens`. */
interface RouteConfig {
  url?: string;
  inferlens?: boolean;
}

/**
 * The key of the route context on Fastify's requests (`Symbol('fastify.context')`, Fastify 4
 * and 5), found on the first request; null when there is none, and then `routeOptions` is used.
 */
let contextKey: symbol | null | undefined;

/**
 * The matched route's `config`, the object `request.routeOptions.config` returns. Read from the
 * route context, because the `routeOptions` getter builds a new 12-field object and asks the
 * server about constraint strategies on every read: a sixth of what recording a hello-world
 * request costs (a test checks the two agree, so a Fastify that changes this falls back).
 */
export function routeConfig(request: FastifyRequest): RouteConfig {
  if (contextKey === undefined)
    contextKey =
      Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context') ??
      null;
  if (contextKey !== null) {
    const config = (request as unknown as Record<symbol, { config?: RouteConfig } | undefined>)[
      contextKey
    ]?.config;
    if (config !== undefined && config !== null) return config;
  }
  return (request.routeOptions.config ?? {}) as RouteConfig;
}

const plugin: FastifyPluginCallback<InferlensOptions> = (fastify, options, done) => {
  try {
    register(fastify, options ?? {});
  } catch (error) {
    // Bad options fail `register`/`ready` with our message instead of escaping avvio.
    return done(error as Error);
  }
  done();
};

function register(fastify: FastifyInstance, options: InferlensOptions): void {
  const [mount, o] = splitMount(options);
  const { lens, recorder, endpoints } = createAdapter(PKG, o, fastifyRoute);
  const hasUserRoute = o.route !== undefined;
  fastify.decorate('inferlens', { lens });
  // The end is taken from the raw response's `close`, not from `onResponse`: Fastify skips
  // `onResponse` when the client disconnects (fastify/fastify#6208), and `onRequestAbort` only
  // covers a client that leaves while the request body is still arriving.
  fastify.addHook('onRequest', function inferlensOnRequest(request, reply, next) {
    try {
      const config = routeConfig(request);
      if (config.inferlens !== false) {
        const raw = request.raw;
        const url = hasUserRoute ? undefined : config.url;
        trackNodeRequest(recorder, request, raw, reply.raw, raw.method, raw.url, url);
      }
    } catch {
      // Nothing was begun: trackNodeRequest never throws, so the throw came before it.
    }
    next();
  });
  if (endpoints !== undefined) routeEndpoints(fastify, endpoints, mount);
}

/**
 * The Fastify 5 plugin: records every request into the lens (duration to the end of the body,
 * time to the first body byte, bytes really read and written, in-flight, client disconnects) and
 * routes `/metrics`, `/health` and `/status`. A route opts out with `config: { inferlens: false }`.
 *
 * @example
 * import Fastify from 'fastify';
 * import { createLens } from '@inferlens/core';
 * import { inferlens } from '@inferlens/fastify';
 *
 * const lens = createLens({ engine: 'my-engine' });
 * const app = Fastify();
 * await app.register(inferlens, { lens, groupStatus: true });
 * app.get('/v1/models/:id', async (request) => ({ id: (request.params as { id: string }).id }));
 */
export const inferlens = fp(plugin, { fastify: '5.x', name: '@inferlens/fastify' });
