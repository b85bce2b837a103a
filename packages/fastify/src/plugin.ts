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
  return request.is404 ? undefined : request.routeOptions.url;
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
      // routeOptions builds a new object on every read (fastify lib/request.js): read it once.
      const route = request.routeOptions;
      if (route.config?.inferlens !== false) {
        const raw = request.raw;
        const url = hasUserRoute ? undefined : route.url;
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
