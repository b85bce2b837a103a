import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLens } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
import { inferlensEndpoints } from '../src/index.js';

describe('@inferlens/express: big /metrics scrapes over a real socket (#17)', () => {
  it('sends the same bytes as lens.render(), chunked, scrape after scrape through reused buffers', async () => {
    const lens = createLens({ engine: 'e', seriesLimit: 10_000 });
    // Past 1,000 series the endpoint streams the body in slices, written into pooled buffers.
    for (let i = 0; i < 3000; i++) lens.request({ model: `model-${i}-é` }).finish();
    const server = createServer(inferlensEndpoints({ lens }) as never);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // Two at once and one after: buffers given back by one scrape are written by the next.
      const scrape = async (): Promise<string> => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(res.status).toBe(200);
        expect(res.headers.get('transfer-encoding')).toBe('chunked');
        return Buffer.from(await res.arrayBuffer()).toString('utf8');
      };
      const expected = lens.render();
      const [a, b] = await Promise.all([scrape(), scrape()]);
      expect(a).toBe(expected);
      expect(b).toBe(expected);
      expect(await scrape()).toBe(expected);
    } finally {
      server.close();
    }
  });
});
