import type { ServerResponse } from 'node:http';
import { createLens, type Lens } from '@inferlens/core';
import { inferlens } from '@inferlens/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { type EngineOptions, type LlamaEngine, openLlamaEngine } from './engine.js';
import { sendJson, serveGeneration } from './generate.js';
import { ApiError } from './openai.js';

export interface LlamaServer {
  app: FastifyInstance;
  lens: Lens;
  engine: LlamaEngine;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible server on node-llama-cpp: `/v1/completions`, `/v1/chat/completions`,
 * `/v1/models`, with `@inferlens/fastify` recording every HTTP request and serving `/metrics`,
 * `/health`, `/dashboard` and `/status` (with the model's facts added), and the engine
 * instrumented by `@inferlens/node-llama-cpp`.
 *
 * @example
 * const server = await createLlamaServer({ sequences: 4, contextSize: 256, threads: 1 });
 * await server.app.listen({ port: 8788 });
 */
export async function createLlamaServer(
  options: Omit<EngineOptions, 'lens'> & { lens?: Lens },
): Promise<LlamaServer> {
  const lens = options.lens ?? createLens({ engine: 'node-llama-cpp' });
  const engine = await openLlamaEngine({ ...options, lens });
  const app = Fastify({ bodyLimit: 1 << 20 });
  await app.register(inferlens, {
    lens,
    version: '0.1.0',
    ready: () => ({
      ready: !engine.context.disposed,
      state: engine.context.disposed ? 'closed' : 'running',
    }),
  });
  // `/status` is the plugin's summary with the model's facts beside it.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url !== '/status' || typeof payload !== 'string') return payload;
    if (!String(reply.getHeader('content-type')).startsWith('application/json')) return payload;
    return JSON.stringify({ ...JSON.parse(payload), model: engine.facts() });
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(new ApiError(400, 'BadRequestError', 'The request body is not valid JSON.', 'body'));
    }
  });
  app.setErrorHandler((error, _request, reply) => {
    const e = asApiError(error);
    void reply.code(e.status).send(e.toJSON());
  });
  for (const [path, kind] of [
    ['/v1/completions', 'text'],
    ['/v1/chat/completions', 'chat'],
  ] as const)
    app.post(path, (request, reply) => {
      // Written to the raw response; the plugin follows it, first byte and disconnects included.
      reply.hijack();
      return serveGeneration(engine, kind, request.body, reply.raw).catch((error: unknown) =>
        sendError(reply.raw, error),
      );
    });
  app.get('/v1/models', async () => ({
    object: 'list',
    data: [{ id: engine.name, object: 'model', created: 0, owned_by: 'inferlens' }],
  }));
  return {
    app,
    lens,
    engine,
    async close() {
      app.server.closeAllConnections?.();
      await app.close();
      await engine.close();
      lens.close();
    },
  };
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new ApiError(status, 'BadRequestError', (error as Error).message);
  return new ApiError(500, 'InternalServerError', String(error));
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  const e = asApiError(error);
  sendJson(res, e.status, e.toJSON());
}
