/**
 * The HTTP suite's servers, in a process of their own so the load generator does not share their
 * event loop: `tsx server.ts <framework> <variant>,<variant>…` listens on 127.0.0.1, one server
 * per variant on an ephemeral port each, and prints `{"ports":{…}}` by variant. Every variant
 * serves the same two routes (route templates, so a middleware labels them like a real API):
 * `GET /hello/:name`, a hello world, and `GET /sse/:name`, a server-sent-event stream of
 * {@link SSE_EVENTS} events, each written in its own event-loop turn as a token stream would be.
 * `noop` registers an empty middleware (or hook), the floor any middleware pays; `calibration` is
 * the same middleware plus {@link CALIBRATION_NS} ns of pure CPU, a known cost to read the others by.
 */

import type { Server, ServerResponse } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
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

async function expressServer(variant: Variant): Promise<Server> {
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
  return app.listen(0, '127.0.0.1');
}

async function fastifyServer(variant: Variant): Promise<Server> {
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
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server;
}

async function honoServer(variant: Variant): Promise<Server> {
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
  return serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
}

// One variant per process for the suite; several (comma-separated) for `pnpm paired`, which
// compares them inside one process.
const [framework, list] = process.argv.slice(2) as [Framework, string];
const start = { express: expressServer, fastify: fastifyServer, hono: honoServer }[framework];
const ports: Partial<Record<Variant, number>> = {};
for (const variant of list.split(',') as Variant[]) {
  const server = await start(variant);
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  ports[variant] = (server.address() as AddressInfo).port;
}
process.stdout.write(`${JSON.stringify({ port: Object.values(ports)[0], ports })}\n`);
// The suite asks for this process's CPU time around each run (CPU per request moves far less than
// requests per second when other work shares the machine), and for a CPU profile of one run.
const inspector = new Session();
inspector.connect();
process.on('message', async (m: { cmd: 'cpu' | 'profile-start' | 'profile-stop' }) => {
  if (m.cmd === 'profile-start') {
    await inspector.post('Profiler.setSamplingInterval', { interval: 250 });
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  } else if (m.cmd === 'profile-stop') {
    const { profile } = await inspector.post('Profiler.stop');
    process.send?.({ profile });
    return;
  }
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system });
});
// Exit cleanly when the suite is done.
process.once('SIGTERM', () => process.exit(0));
