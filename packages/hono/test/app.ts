import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Lens } from '@inferlens/core';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { stream } from 'hono/streaming';
import { sseEvent } from '../../http/test/support/client.js';
import type { TestServer } from '../../http/test/support/conformance.js';
import { serverHandle } from '../../http/test/support/server.js';
import { type InferlensOptions, inferlens } from '../src/index.js';

/** The conformance routes (see conformance.ts) on Hono 4 with the middleware registered. */
export function buildApp(options: InferlensOptions, errors: unknown[] = []) {
  const app = new Hono();
  app.use(inferlens(options));
  app.get('/hello', (c) => c.text('hello'));
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
  app.get('/sse', (c) => {
    const n = Number(c.req.query('n') ?? 10);
    const ms = Number(c.req.query('ms') ?? 100);
    c.header('content-type', 'text/event-stream');
    c.header('cache-control', 'no-cache');
    // `stream` rather than `streamSSE` so the bytes are exactly sseEvent(i), as in the other apps.
    return stream(c, async (s) => {
      let aborted = false;
      s.onAbort(() => {
        aborted = true;
      });
      for (let i = 1; i <= n && !aborted; i++) {
        await s.sleep(ms);
        if (!aborted) await s.write(sseEvent(i));
      }
    });
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.post('/echo', async (c) => c.text(String((await c.req.text()).length)));
  app.onError((error, c) => {
    errors.push(error);
    return error instanceof HTTPException ? error.getResponse() : c.text('failed', 500);
  });
  return app;
}

/** Serves the conformance app with @hono/node-server on 127.0.0.1 and an ephemeral port. */
export function startHono(lens: Lens): Promise<TestServer> {
  const errors: unknown[] = [];
  const server = serve({ fetch: buildApp({ lens }, errors).fetch, port: 0, hostname: '127.0.0.1' });
  return serverHandle(server as Server, errors);
}
