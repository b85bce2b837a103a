import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLens } from '@inferlens/core';
import express from 'express';
import { afterEach, describe, it } from 'vitest';
import { expectEndpointsUnder } from '../../http/test/support/mount.js';
import { inferlens, inferlensEndpoints } from '../src/index.js';

describe('Express endpoints under a mount path', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  async function start(app: express.Express): Promise<string> {
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("answers at app.use('/ops', inferlensEndpoints(…))", async () => {
    const lens = createLens({ engine: 'e' });
    const app = express();
    app.use(inferlens({ lens, endpoints: false }));
    app.use('/ops', inferlensEndpoints({ lens, metricPrefix: 'gw_' }));
    app.get('/hello', (_req, res) => {
      res.send('hello');
    });
    await expectEndpointsUnder(await start(app), '/ops', 'gw_');
  });

  it('answers from a Router mounted at /ops', async () => {
    const lens = createLens({ engine: 'e' });
    const app = express();
    app.use(inferlens({ lens, endpoints: false }));
    const ops = express.Router();
    ops.use(inferlensEndpoints({ lens }));
    app.use('/ops', ops);
    app.get('/hello', (_req, res) => {
      res.send('hello');
    });
    await expectEndpointsUnder(await start(app), '/ops');
  });
});
