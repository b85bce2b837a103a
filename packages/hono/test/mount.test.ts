import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createLens } from '@inferlens/core';
import { Hono } from 'hono';
import { afterEach, describe, it } from 'vitest';
import { expectEndpointsUnder } from '../../http/test/support/mount.js';
import { inferlens, inferlensEndpoints } from '../src/index.js';

describe('Hono endpoints under a mount path, on @hono/node-server', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  async function start(app: Hono): Promise<string> {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    if (!server.listening) await new Promise((resolve) => server!.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("answers at app.route('/ops', admin) with admin.use(inferlensEndpoints(…))", async () => {
    const lens = createLens({ engine: 'e' });
    const app = new Hono();
    app.use(inferlens({ lens, endpoints: false }));
    const admin = new Hono();
    admin.use(inferlensEndpoints({ lens, metricPrefix: 'gw_' }));
    app.route('/ops', admin);
    app.get('/hello', (c) => c.text('hello'));
    await expectEndpointsUnder(await start(app), '/ops', 'gw_');
  });

  it("answers at app.use('/ops/*', inferlensEndpoints(…))", async () => {
    const lens = createLens({ engine: 'e' });
    const app = new Hono();
    app.use(inferlens({ lens, endpoints: false }));
    app.use('/ops/*', inferlensEndpoints({ lens }));
    app.get('/hello', (c) => c.text('hello'));
    await expectEndpointsUnder(await start(app), '/ops');
  });
});
