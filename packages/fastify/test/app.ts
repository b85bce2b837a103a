import { PassThrough } from 'node:stream';
import type { Lens } from '@inferlens/core';
import Fastify from 'fastify';
import { sseTicker } from '../../http/test/support/client.js';
import type { TestServer } from '../../http/test/support/conformance.js';
import { serverHandle } from '../../http/test/support/server.js';
import { type InferlensOptions, inferlens } from '../src/index.js';

/** The conformance routes (see conformance.ts) on Fastify 5 with the plugin registered. */
export async function buildApp(options: InferlensOptions, errors: unknown[] = []) {
  const app = Fastify();
  await app.register(inferlens, options);
  app.get('/hello', async () => 'hello');
  app.get<{ Params: { id: string } }>('/users/:id', async (request) => ({ id: request.params.id }));
  app.get<{ Querystring: { n?: string; ms?: string } }>('/sse', (request, reply) => {
    const stream = new PassThrough();
    const n = Number(request.query.n ?? 10);
    const stop = sseTicker(
      n,
      Number(request.query.ms ?? 100),
      (s) => stream.write(s),
      () => stream.end(),
    );
    reply.raw.on('close', stop);
    reply
      .header('content-type', 'text/event-stream')
      .header('cache-control', 'no-cache')
      .send(stream);
  });
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  app.post<{ Body: string }>('/echo', async (request) => String(request.body.length));
  app.setErrorHandler((error, _request, reply) => {
    errors.push(error);
    reply.code(500).send('failed');
  });
  return app;
}

/** Starts the conformance app on 127.0.0.1 with an ephemeral port. */
export async function startFastify(lens: Lens): Promise<TestServer> {
  const errors: unknown[] = [];
  const app = await buildApp({ lens }, errors);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const handle = await serverHandle(app.server, errors);
  return { ...handle, close: () => handle.close().then(() => app.close()) };
}
