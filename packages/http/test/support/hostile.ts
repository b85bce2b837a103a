import { execFileSync } from 'node:child_process';
import { CUT_MARKER, createLens, type Lens } from '@inferlens/core/internal';
import { expect, it } from 'vitest';
import type { TestServer } from './conformance.js';

const REQUESTS = 600;
const HEADER_BYTES = 15_000;
const MODEL_BYTES = 4 * 1024 * 1024;

/** Starts the conformance app with a custom `tenant` label read from the `x-tenant` header. */
export type StartWithTenant = (lens: Lens) => Promise<TestServer>;

/**
 * Issue #11: one 4 MB model name and 600 requests whose `x-tenant` header (a custom label) is 15 KB
 * each. `/metrics` still answers 200 with a small, valid body and everything else intact: every
 * label value is cut to the lens's bound and counted.
 */
export function itSurvivesHugeLabels(start: StartWithTenant): void {
  it(`answers /metrics after a 4 MB model name and ${REQUESTS} requests with 15 KB label headers`, async () => {
    const lens = createLens({ engine: 'hostile' });
    const huge = lens.request({ model: 'm'.repeat(MODEL_BYTES) });
    huge.tokens(3);
    huge.finish({ promptTokens: 4 });
    const ok = lens.request({ model: 'llama' });
    ok.tokens(2);
    ok.finish({});
    const server = await start(lens);
    try {
      for (let i = 0; i < REQUESTS; i += 50) {
        const batch = Array.from({ length: 50 }, async (_, j) => {
          const tenant = `${i + j}`.padEnd(HEADER_BYTES, 'x');
          const res = await fetch(`${server.url}/hello`, { headers: { 'x-tenant': tenant } });
          expect(res.status).toBe(200);
          await res.text();
        });
        await Promise.all(batch);
      }
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      const body = await res.text();
      // 101 tenants (100 and #other) × the HTTP rows × ~260-byte values; unbounded it was > 500 MB.
      expect(body.length).toBeLessThan(4_000_000);
      expect(
        execFileSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' }),
      ).toBe('');
      const count = (prefix: string): number =>
        body
          .split('\n')
          .filter((l) => l.startsWith(prefix))
          .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      expect(count('http_requests_total{method="GET",route="/hello"')).toBe(REQUESTS);
      expect(count('llm_requests_total{model_name="llama"')).toBe(1);
      expect(body).toContain(`model_name="${'m'.repeat(248)}${CUT_MARKER}"`);
      expect(body).toMatch(/tenant="0x+…\[cut\]"/);
      expect(count('inferlens_events_dropped_total{reason="label_too_long"}')).toBeGreaterThan(
        REQUESTS,
      );
    } finally {
      await server.close();
    }
  }, 60_000);
}
