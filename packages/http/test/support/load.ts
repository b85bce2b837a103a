import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createLens } from '@inferlens/core';
import { expect, it } from 'vitest';
import { sse, sseEvent } from './client.js';
import type { StartServer } from './conformance.js';
import { total, waitFor } from './store.js';

const CLIENTS = 2000;
const ABORT_SHARE = 0.3;
const EVENTS = 5;
const INTERVAL_MS = 200;

/** Client and server sockets both live in this process, plus what vitest and Node hold. */
const FDS_NEEDED = CLIENTS * 2 + 512;

/**
 * Raises this process's soft limit on open files when it is below what the test needs (a 1024
 * default is common), up to the hard limit, with util-linux `prlimit` on our own pid: nothing
 * outside the test process changes. Returns the soft limit in force.
 */
function ensureFileLimit(): number {
  // Without /proc (macOS), leave the limit alone; a shortage then shows up as EMFILE.
  if (!existsSync('/proc/self/limits')) return Number.POSITIVE_INFINITY;
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft = 0, hard = 0] = (line?.match(/\d+|unlimited/g) ?? []).map((v) =>
    v === 'unlimited' ? Infinity : Number(v),
  );
  if (soft >= FDS_NEEDED) return soft;
  const target = Math.min(hard, FDS_NEEDED);
  execFileSync('prlimit', [
    `--pid=${process.pid}`,
    `--nofile=${target}:${hard === Infinity ? 'unlimited' : hard}`,
  ]);
  return target;
}

/**
 * 2,000 concurrent SSE streams against a real server on 127.0.0.1, the first 30 % of clients
 * leaving after the first event. Afterwards in-flight is 0, every request was counted exactly
 * once, and the aborts are exactly the clients that left.
 */
export function itSurvivesSseLoad(start: StartServer): void {
  it(`counts ${CLIENTS} concurrent SSE streams with ${ABORT_SHARE * 100} % aborting exactly once each`, async () => {
    expect(ensureFileLimit()).toBeGreaterThanOrEqual(FDS_NEEDED);
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
