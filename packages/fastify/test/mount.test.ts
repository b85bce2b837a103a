import type { AddressInfo } from 'node:net';
import { createLens } from '@inferlens/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { expectEndpointsUnder } from '../../http/test/support/mount.js';
import { inferlens, inferlensEndpoints } from '../src/index.js';

describe("Fastify endpoints under register's prefix", () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  async function start(instance: FastifyInstance): Promise<string> {
    app = instance;
    await instance.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(instance.server.address() as AddressInfo).port}`;
  }

  it("mounts the plugin's endpoints at `prefix`, and prefixes names by `metricPrefix` alone", async () => {
    const lens = createLens({ engine: 'e' });
    const instance = Fastify();
    await instance.register(inferlens, { lens, prefix: '/ops', metricPrefix: 'gw_' });
    instance.get('/hello', async () => 'hello');
    await expectEndpointsUnder(await start(instance), '/ops', 'gw_');
  });

  it('mounts inferlensEndpoints at `prefix` inside a context that has a prefix of its own', async () => {
    const lens = createLens({ engine: 'e' });
    const instance = Fastify();
    await instance.register(inferlens, { lens, endpoints: false });
    await instance.register(
      async (child) => {
        await child.register(inferlensEndpoints, { lens, prefix: '/admin' });
      },
      { prefix: '/ops' },
    );
    instance.get('/hello', async () => 'hello');
    await expectEndpointsUnder(await start(instance), '/ops/admin');
  });

  it('says which option is which when `prefix` is a metric name prefix', async () => {
    const instance = Fastify();
    app = instance;
    await expect(
      instance.register(inferlens, { lens: createLens({ engine: 'e' }), prefix: 'gw_' }),
    ).rejects.toThrow(
      /^\[@inferlens\/fastify\] prefix: Fastify's mount path for the endpoints, like "\/ops" \(the metric name prefix is metricPrefix\)/,
    );
  });
});
