/**
 * The apps the HTTP benches load: one per framework and variant, each serving the same two routes
 * (route templates, so a middleware labels them like a real API): `GET /hello/:name`, a hello
 * world, and `GET /sse/:name`, a server-sent-event stream of {@link SSE_EVENTS} events, each
 * written in its own event-loop turn as a token stream would be. The variants:
 *
 * - `bare`: the framework alone;
 * - `noop`: an empty middleware (or Fastify `onRequest` hook), the floor any middleware pays;
 * - `calibration`: the same middleware plus {@link CALIBRATION_NS} ns of pure CPU per request, a
 *   known cost to read the others by;
 * - `inferlens`: `@inferlens/<framework>` with a fresh lens;
 * - `peer`: the framework's usual metrics middleware, set up to record what inferlens records.
 *
 * `server.ts` listens with them (the socket benches); `dispatch.ts` hands them requests in process.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { getRequestListener, serve } from '@hono/node-server';
import { prometheus } from '@hono/prometheus';
import { createLens } from '@inferlens/core';
import { inferlens as expressLens } from '@inferlens/express';
import { inferlens as fastifyLens } from '@inferlens/fastify';
import { inferlens as honoLens } from '@inferlens/hono';
import express from 'express';
import promBundle from 'express-prom-bundle';
import Fastify from 'fastify';
import fastifyMetrics from 'fastify-metrics';
import { Hono } from 'hono';
import { CALIBRATION_NS, SSE_EVENTS, spin } from './routes.js';

export type Framework = 'express' | 'fastify' | 'hono';
export type Variant = 'bare' | 'noop' | 'calibration' | 'inferlens' | 'peer';

/** What Node's HTTP server calls with each request. */
export type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

/** One variant's app: as a request listener (in process), or listening on 127.0.0.1. */
export interface BenchApp {
  listener(): Promise<Listener>;
  listen(): Promise<Server>;
}

const BODY = 'hello world';
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const event = (i: number) => `data: {"token":${i}}\n\n`;

/** Writes the SSE events to a Node response, one per event-loop turn, then ends it. */
function streamTo(res: ServerResponse): void {
  res.writeHead(200, SSE_HEADERS);
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (i === SSE_EVENTS) return void res.end();
    res.write(event(i++));
    setImmediate(next);
  };
  next();
}

/** The same events as a Web stream (Hono). */
function eventStream(): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  let cancelled = false;
  return new ReadableStream({
    pull: (controller) =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          // The load generator hangs up on streams in flight when a run ends.
          if (cancelled) return resolve();
          if (i === SSE_EVENTS) controller.close();
          else controller.enqueue(encoder.encode(event(i++)));
          resolve();
        }),
      ),
    cancel: () => {
      cancelled = true;
    },
  });
}

function expressApp(variant: Variant): BenchApp {
  const app = express();
  if (variant === 'noop') app.use((_req, _res, next) => next());
  if (variant === 'calibration')
    app.use((_req, _res, next) => {
      spin(CALIBRATION_NS);
      next();
    });
  if (variant === 'inferlens') app.use(expressLens({ lens: createLens({ engine: 'bench' }) }));
  // Route and method labels, so the peer records what inferlens records.
  if (variant === 'peer') app.use(promBundle({ includeMethod: true, includePath: true }));
  app.get('/hello/:name', (_req, res) => {
    res.send(BODY);
  });
  app.get('/sse/:name', (_req, res) => streamTo(res));
  return {
    listener: async () => app as unknown as Listener,
    listen: async () => app.listen(0, '127.0.0.1'),
  };
}

async function fastifyApp(variant: Variant): Promise<BenchApp> {
  const app = Fastify();
  if (variant === 'noop') app.addHook('onRequest', (_request, _reply, done) => done());
  if (variant === 'calibration')
    app.addHook('onRequest', (_request, _reply, done) => {
      spin(CALIBRATION_NS);
      done();
    });
  if (variant === 'inferlens')
    await app.register(fastifyLens, { lens: createLens({ engine: 'bench' }) });
  // Its cheapest comparable setup: the histogram only, no summary, no process metrics.
  if (variant === 'peer')
    await app.register(fastifyMetrics, {
      endpoint: '/metrics',
      defaultMetrics: { enabled: false },
      routeMetrics: { enabled: { histogram: true, summary: false } },
    });
  app.get('/hello/:name', async () => BODY);
  app.get('/sse/:name', (_request, reply) => {
    reply.hijack();
    streamTo(reply.raw);
  });
  return {
    listener: async () => {
      await app.ready();
      return (req, res) => app.server.emit('request', req, res);
    },
    listen: async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      return app.server;
    },
  };
}

function honoApp(variant: Variant): BenchApp {
  const app = new Hono();
  if (variant === 'noop') app.use(async (_c, next) => await next());
  if (variant === 'calibration')
    app.use(async (_c, next) => {
      spin(CALIBRATION_NS);
      await next();
    });
  if (variant === 'inferlens') app.use(honoLens({ lens: createLens({ engine: 'bench' }) }));
  if (variant === 'peer') {
    const { printMetrics, registerMetrics } = prometheus();
    app.use('*', registerMetrics);
    app.get('/metrics', printMetrics);
  }
  app.get('/hello/:name', (c) => c.text(BODY));
  app.get('/sse/:name', (c) => c.body(eventStream(), 200, SSE_HEADERS));
  return {
    listener: async () => getRequestListener(app.fetch) as unknown as Listener,
    listen: async () => serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server,
  };
}

/** Builds one variant's app. */
export async function benchApp(framework: Framework, variant: Variant): Promise<BenchApp> {
  if (framework === 'express') return expressApp(variant);
  if (framework === 'fastify') return fastifyApp(variant);
  return honoApp(variant);
}
