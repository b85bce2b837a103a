import { createServer, type Server } from 'node:http';
import type { Lens } from '@inferlens/core';
import type { SimulatedEngine } from '@inferlens/testkit';
import { chatCompletions, sendJson } from './chat.js';
import { ApiError } from './openai.js';

/**
 * The quickstart's HTTP server, on plain `node:http`: the OpenAI-compatible chat endpoint backed by
 * the simulated engine, `/v1/models`, `/metrics` from the lens and `/health`.
 *
 * @example
 * const server = createQuickstartServer(engine, lens);
 * server.listen(8787, '127.0.0.1');
 */
export function createQuickstartServer(engine: SimulatedEngine, lens: Lens): Server {
  return createServer(async function quickstart(req, res) {
    const path = (req.url ?? '/').split('?', 1)[0];
    try {
      if (path === '/v1/chat/completions') {
        if (req.method !== 'POST') throw notAllowed('POST');
        await chatCompletions(engine, req, res);
      } else if (path === '/metrics') {
        if (req.method !== 'GET') throw notAllowed('GET');
        const { contentType, body } = await lens.scrape(req.headers.accept);
        res.writeHead(200, {
          'content-type': contentType,
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      } else if (path === '/health') {
        // vLLM answers 200 with an empty body while the engine is up.
        res.writeHead(engine.closed ? 503 : 200, { 'content-length': 0 }).end();
      } else if (path === '/v1/models' && req.method === 'GET') {
        const card = { id: engine.model, object: 'model', created: 0, owned_by: 'inferlens' };
        sendJson(res, 200, { object: 'list', data: [card] });
      } else throw new ApiError(404, 'NotFoundError', `No route for ${req.method} ${path}.`);
    } catch (error) {
      const e =
        error instanceof ApiError ? error : new ApiError(500, 'InternalServerError', String(error));
      if (!res.headersSent) sendJson(res, e.status, e.toJSON());
      else res.destroy();
    }
  });
}

function notAllowed(method: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `Use ${method}.`);
}
