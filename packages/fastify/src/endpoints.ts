import { Readable } from 'node:stream';
import {
  type EndpointOptions,
  type Endpoints,
  Endpoints as EndpointsClass,
} from '@inferlens/http/internal';
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { PKG } from './pkg.js';

/** Routes `/metrics`, `/health`, `/status` and `/dashboard` on `fastify`; HEAD comes with GET. */
export function routeEndpoints(fastify: FastifyInstance, endpoints: Endpoints): void {
  for (const path of endpoints.paths) {
    const kind = endpoints.match('GET', path)!;
    fastify.get(
      path,
      { config: { inferlens: false } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const credentials = request.headers[endpoints.authHeader];
        const r = await endpoints.handle(
          kind,
          request.headers.accept,
          typeof credentials === 'string' ? credentials : undefined,
          { stream: request.method !== 'HEAD' },
        );
        reply.code(r.status).headers(r.headers);
        // /metrics streams, rendered in slices; Fastify destroys the stream when the client
        // goes away, which stops the render.
        if (r.stream !== undefined) return Readable.from(r.stream, { objectMode: false });
        return r.body;
      },
    );
  }
}

const endpointsPlugin: FastifyPluginCallback<EndpointOptions> = (fastify, options, done) => {
  try {
    routeEndpoints(fastify, new EndpointsClass(PKG, options));
  } catch (error) {
    return done(error as Error);
  }
  done();
};

/**
 * `/metrics`, `/health`, `/status` and the `/dashboard` page without request recording, for a
 * separate instance or port.
 *
 * @example
 * const admin = Fastify();
 * await admin.register(inferlensEndpoints, { lens, auth: { bearer: process.env.METRICS_TOKEN! } });
 * await admin.listen({ port: 9464 });
 */
export const inferlensEndpoints = fp(endpointsPlugin, {
  fastify: '5.x',
  name: '@inferlens/fastify/endpoints',
});
