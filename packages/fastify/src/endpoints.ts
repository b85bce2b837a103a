import { Readable } from 'node:stream';
import {
  type EndpointOptions,
  type Endpoints,
  Endpoints as EndpointsClass,
  setupError,
} from '@inferlens/http/internal';
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { PKG } from './pkg.js';

/**
 * Fastify's `register` option `prefix`, the path the endpoints are mounted under. fastify-plugin
 * makes Fastify itself ignore it (the plugin shares its parent's context), so it is applied here;
 * the metric name prefix is `metricPrefix`. Returns the options without it.
 */
export function splitMount<O extends EndpointOptions>(options: O): [mount: string, rest: O] {
  const { prefix, ...rest } = options ?? ({} as O);
  if (prefix === undefined) return ['', rest as O];
  if (typeof prefix !== 'string' || !/^\/[^?#]*$/.test(prefix))
    setupError(
      PKG,
      `prefix: Fastify's mount path for the endpoints, like "/ops" (the metric name prefix is metricPrefix), not ${JSON.stringify(prefix)}`,
    );
  return [prefix.replace(/\/+$/, ''), rest as O];
}

/**
 * Routes `/metrics`, `/health`, `/status` and `/dashboard` on `fastify`, under `mount`; HEAD
 * comes with GET.
 */
export function routeEndpoints(fastify: FastifyInstance, endpoints: Endpoints, mount = ''): void {
  for (const path of endpoints.paths) {
    const kind = endpoints.match('GET', path)!;
    fastify.get(
      mount + path,
      { config: { inferlens: false } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const credentials = request.headers[endpoints.authHeader];
        const r = await endpoints.handle(
          kind,
          request.headers.accept,
          typeof credentials === 'string' ? credentials : undefined,
          { stream: request.method !== 'HEAD', text: true },
        );
        reply.code(r.status).headers(r.headers);
        // /metrics streams, rendered in slices; Fastify destroys the stream when the client
        // goes away, which stops the render. String chunks with `encoding: 'utf8'` stay strings
        // through the Readable and the socket encodes them outside the JS heap: byte chunks
        // would be external buffers that set off full collections on a big scrape (#17).
        if (r.stream !== undefined)
          return Readable.from(r.stream, { objectMode: false, encoding: 'utf8' });
        return r.body;
      },
    );
  }
}

const endpointsPlugin: FastifyPluginCallback<EndpointOptions> = (fastify, options, done) => {
  try {
    const [mount, rest] = splitMount(options);
    routeEndpoints(fastify, new EndpointsClass(PKG, rest), mount);
  } catch (error) {
    return done(error as Error);
  }
  done();
};

/**
 * `/metrics`, `/health`, `/status` and the `/dashboard` page without request recording, for a
 * separate instance or port, or under `register`'s `prefix`.
 *
 * @example
 * const admin = Fastify();
 * await admin.register(inferlensEndpoints, { lens, auth: { bearer: process.env.METRICS_TOKEN! } });
 * await admin.listen({ port: 9464 });
 *
 * // Or under a path of the app: /ops/metrics, /ops/health, /ops/status, /ops/dashboard.
 * await app.register(inferlensEndpoints, { lens, prefix: '/ops' });
 */
export const inferlensEndpoints = fp(endpointsPlugin, {
  fastify: '5.x',
  name: '@inferlens/fastify/endpoints',
});
