import { createLens } from '@inferlens/core';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { inferlens } from '../src/index.js';

describe('@inferlens/fastify: a big /metrics scrape over a real socket', () => {
  const lens = createLens({ engine: 'e', seriesLimit: 10_000 });
  // Past 1,000 series the endpoint streams the body in slices (string chunks).
  for (let i = 0; i < 3000; i++) lens.request({ model: `model-${i}-é` }).finish();
  const app = Fastify();
  afterAll(() => app.close());

  it('sends the same bytes as lens.render(), chunked', async () => {
    await app.register(inferlens, { lens });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const expected = lens.render();
    const res = await fetch(`${address}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(Buffer.byteLength(expected));
    expect(body.toString('utf8')).toBe(expected);
  });
});
