import { createLens } from '@inferlens/core';
import { expect, it } from 'vitest';
import { sse, sseEvent } from './client.js';
import type { StartServer } from './conformance.js';
import { total, waitFor } from './store.js';

const CLIENTS = 2000;
const ABORT_SHARE = 0.3;
const EVENTS = 5;
const INTERVAL_MS = 200;

/**
 * 2,000 concurrent SSE streams against a real server on 127.0.0.1, every third-ish client (30 %)
 * leaving after the first event. Afterwards in-flight is 0, every request was counted exactly
 * once, and the aborts are exactly the clients that left.
 */
export function itSurvivesSseLoad(start: StartServer): void {
  it(`counts ${CLIENTS} concurrent SSE streams with ${ABORT_SHARE * 100} % aborting exactly once each`, async () => {
    const lens = createLens({ engine: 'load' });
    const server = await start(lens);
    try {
      const url = `${server.url}/sse?n=${EVENTS}&ms=${INTERVAL_MS}`;
      const aborting = Math.round(CLIENTS * ABORT_SHARE);
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) =>
          sse(url, i < aborting ? sseEvent(1).length : undefined),
        ),
      );
      expect(results.filter((r) => r.aborted)).toHaveLength(aborting);
      expect(results.filter((r) => !r.aborted && r.status === 200)).toHaveLength(
        CLIENTS - aborting,
      );
      await waitFor(
        () => total(lens, 'httpRequests', { route: '/sse' }) === CLIENTS,
        20_000,
        'every stream to be recorded',
      );
      await waitFor(
        () => total(lens, 'httpRequestsInFlight') === 0,
        20_000,
        'in-flight to reach 0',
      );
      expect(total(lens, 'httpRequests')).toBe(CLIENTS);
      expect(total(lens, 'httpRequests', { outcome: 'aborted' })).toBe(aborting);
      expect(total(lens, 'httpRequests', { outcome: 'completed', status: '200' })).toBe(
        CLIENTS - aborting,
      );
      expect(total(lens, 'httpRequestDuration')).toBe(CLIENTS);
    } finally {
      await server.close();
    }
  }, 90_000);
}
