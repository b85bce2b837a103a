import type { Lens } from '@inferlens/core';
import type express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import { sseTicker } from '../../http/test/support/client.js';
import type { TestServer } from '../../http/test/support/conformance.js';
import { serverHandle } from '../../http/test/support/server.js';
import { type InferlensOptions, inferlens } from '../src/index.js';

type ExpressFactory = typeof express;

/** The conformance routes (see conformance.ts) on Express `factory` (4 or 5). */
export function buildApp(
  factory: ExpressFactory,
  options: InferlensOptions,
  errors: unknown[] = [],
): Express {
  const app = factory();
  app.use(inferlens(options));
  app.get('/hello', (_req, res) => {
    res.send('hello');
  });
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.get('/sse', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    const stop = sseTicker(
      Number(req.query.n ?? 10),
      Number(req.query.ms ?? 100),
      (s) => res.write(s),
      () => res.end(),
    );
    res.on('close', stop);
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.post('/echo', factory.raw({ type: '*/*', limit: '10mb' }), (req, res) => {
    res.send(String((req.body as Buffer).length));
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(error);
    res.status(500).send('failed');
  });
  return app;
}

/** Starts the conformance app on 127.0.0.1 with an ephemeral port. */
export function startExpress(factory: ExpressFactory) {
  return (lens: Lens): Promise<TestServer> => {
    const errors: unknown[] = [];
    return serverHandle(buildApp(factory, { lens }, errors).listen(0, '127.0.0.1'), errors);
  };
}
