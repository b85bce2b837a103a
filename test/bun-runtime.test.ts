import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schema } from '@inferlens/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSamples, type Sample, total } from './helpers/exposition.js';
import { type SpawnedServer, spawnServer } from './helpers/spawn-server.js';

/**
 * The @inferlens/hono middleware on a second runtime: test/bun/server.ts runs under Bun (the
 * `bun` devDependency, its own binary) with `Bun.serve`, so every figure below comes from the
 * Web body-wrapping path (no Node `res.on('close')` anywhere), scraped over real HTTP.
 */
const BUN = fileURLToPath(new URL('./node_modules/.bin/bun', import.meta.url));
const SERVER = fileURLToPath(new URL('./bun/server.ts', import.meta.url));
const name = (id: keyof typeof schema) => schema[id].prometheus;

async function startBun(): Promise<SpawnedServer> {
  if (!existsSync(BUN))
    throw new Error(`no bun at ${BUN}: run pnpm install (bun is a devDependency of test/)`);
  return spawnServer('bun', BUN, [SERVER], process.env, 15_000);
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseSamples(await res.text());
}

describe('@inferlens/hono on Bun (Bun.serve)', () => {
  let bun: Awaited<ReturnType<typeof startBun>>;
  beforeAll(async () => {
    bun = await startBun();
  });
  afterAll(() => {
    bun?.child.kill('SIGKILL');
  });

  it('records a request, a full SSE stream and a client abort from the body itself', async () => {
    expect(bun.output()).toMatch(/\(bun 1\.\d+\.\d+\)/);
    const hello = await fetch(`${bun.url}/hello`);
    expect(await hello.text()).toBe('hello from bun');

    // 5 events 100 ms apart: headers at once, the body ends ≥ 400 ms later.
    const started = performance.now();
    const full = await fetch(`${bun.url}/sse?n=5&ms=100`);
    expect(full.headers.get('content-type')).toBe('text/event-stream');
    expect((await full.text()).match(/^data: /gm)).toHaveLength(5);
    const streamSeconds = (performance.now() - started) / 1000;

    // A client that reads the first event, waits 150 ms and leaves.
    const abort = new AbortController();
    const aborted = await fetch(`${bun.url}/sse?n=1000&ms=50`, { signal: abort.signal });
    await aborted.body!.getReader().read();
    await new Promise((resolve) => setTimeout(resolve, 150));
    abort.abort();

    const requests = name('httpRequests');
    let samples: Sample[] = [];
    await expect
      .poll(
        async () => {
          samples = await scrape(bun.url);
          return total(samples, requests, { route: '/sse', outcome: 'aborted' });
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(1);
    expect(total(samples, requests, { route: '/hello', status: '200', outcome: 'completed' })).toBe(
      1,
    );
    expect(total(samples, requests, { route: '/sse', status: '200', outcome: 'completed' })).toBe(
      1,
    );
    expect(total(samples, requests)).toBe(3); // /metrics itself is never recorded

    const duration = `${name('httpRequestDuration')}_sum`;
    const sse = total(samples, duration, { route: '/sse', outcome: 'completed' });
    // The end of the body, not the return of the handler (@hono/prometheus: 0.004 s for 1 s).
    expect(sse).toBeGreaterThanOrEqual(0.38);
    expect(sse).toBeLessThanOrEqual(streamSeconds + 0.05);
    const abortedSeconds = total(samples, duration, { route: '/sse', outcome: 'aborted' });
    expect(abortedSeconds).toBeGreaterThanOrEqual(0.14);
    expect(abortedSeconds).toBeLessThan(5);

    // TTFB: the first event went out at once, for both streams, well before their ends.
    const ttfb = name('httpTimeToFirstByte');
    expect(total(samples, `${ttfb}_count`, { route: '/sse' })).toBe(2);
    expect(total(samples, `${ttfb}_sum`, { route: '/sse' })).toBeLessThan(sse / 2);
    expect(total(samples, `${ttfb}_count`, { route: '/hello' })).toBe(1);

    // Bytes really written: five events of 9 bytes ("data: i\n\n").
    expect(
      total(samples, `${name('httpResponseSize')}_sum`, { route: '/sse', status: '200' }),
    ).toBeGreaterThanOrEqual(45);
    expect(total(samples, name('httpRequestsInFlight'))).toBe(0);

    // The dashboard page is served on this runtime too.
    const page = await fetch(`${bun.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('"metricsUrl":"./metrics"');
  });
});
