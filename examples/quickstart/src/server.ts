import type { ServerResponse } from 'node:http';
import type { Lens } from '@inferlens/core';
import { inferlens } from '@inferlens/fastify';
import type { GpuSource } from '@inferlens/nvml';
import type { SimulatedEngine } from '@inferlens/testkit';
import Fastify, { type FastifyInstance } from 'fastify';
import { chatCompletions, sendJson } from './chat.js';
import { ApiError } from './openai.js';

/** vLLM's request body limit is generous; 1 MiB holds any chat this example serves. */
const BODY_LIMIT = 1 << 20;

/**
 * The quickstart's HTTP server on Fastify: the OpenAI-compatible chat endpoint backed by the
 * simulated engine and `/v1/models`, with `@inferlens/fastify` recording every request (time to
 * first byte, end of stream, aborts) and serving `/metrics`, `/health` and `/status`.
 *
 * @example
 * const app = await createQuickstartApp(engine, lens, createGpuSource({ lens }));
 * await app.listen({ port: 8787, host: '127.0.0.1' });
 */
export async function createQuickstartApp(
  engine: SimulatedEngine,
  lens: Lens,
  gpus?: GpuSource,
): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: BODY_LIMIT });
  await app.register(inferlens, {
    lens,
    version: '0.1.0',
    // /status shows whether NVML sees a GPU here, and why not (no driver, no GPU, …).
    ...(gpus ? { gpu: () => gpus.status() } : {}),
    ready: () =>
      engine.closed ? { ready: false, state: 'closed' } : { ready: true, state: 'running' },
  });

  // OpenAI clients send JSON whatever content type they name; parse every body as JSON.
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
  app.setNotFoundHandler((request, reply) => {
    const e = new ApiError(404, 'NotFoundError', `No route for ${request.method} ${request.url}.`);
    void reply.code(404).send(e.toJSON());
  });

  app.post('/v1/chat/completions', (request, reply) => {
    // The stream is written to the raw response as vLLM writes it; the plugin follows the raw
    // response, so hijacking keeps every byte, the first-byte time and a disconnect recorded.
    reply.hijack();
    return chatCompletions(engine, request.body, reply.raw).catch((error: unknown) =>
      sendError(reply.raw, error),
    );
  });
  app.get('/v1/models', async () => ({
    object: 'list',
    data: [{ id: engine.model, object: 'model', created: 0, owned_by: 'inferlens' }],
  }));
  return app;
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const status = (error as { statusCode?: number }).statusCode;
  // Fastify's own errors (body too large, bad method) keep their status.
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new ApiError(status, 'BadRequestError', (error as Error).message);
  return new ApiError(500, 'InternalServerError', String(error));
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  const e = asApiError(error);
  sendJson(res, e.status, e.toJSON());
}
