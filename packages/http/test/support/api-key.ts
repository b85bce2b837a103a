import { createLens, type Lens } from '@inferlens/core';
import { expect, it } from 'vitest';
import type { TestServer } from './conformance.js';

/** Starts the conformance app with `auth: { header: 'x-api-key', keys: ['k-1'] }`. */
export type StartWithApiKey = (lens: Lens) => Promise<TestServer>;

/** Issue #11: an `X-API-Key` check is writable on every framework, and reads that header. */
export function itChecksAnApiKey(start: StartWithApiKey): void {
  it('guards /metrics and /status with an X-API-Key header', async () => {
    const server = await start(createLens({ engine: 'e' }));
    try {
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${server.url}${path}`, { headers }).then(
          async (r) => [r.status, await r.text()] as const,
        );
      expect((await get('/metrics'))[0]).toBe(401);
      expect((await get('/metrics', { authorization: 'Bearer k-1' }))[0]).toBe(401);
      expect((await get('/metrics', { 'x-api-key': 'k-2' }))[0]).toBe(401);
      const [status] = await get('/metrics', { 'x-api-key': 'k-1' });
      expect(status).toBe(200);
      expect((await get('/status', { 'X-API-Key': 'k-1' }))[0]).toBe(200);
    } finally {
      await server.close();
    }
  });
}
