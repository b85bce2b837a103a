/**
 * The real-socket behaviour every framework adapter must show, written once. A framework's test
 * passes `start(lens)`, which serves these routes on 127.0.0.1 with the adapter registered:
 *
 * - `GET /hello` → `hello`
 * - `GET /users/:id` → JSON
 * - `GET /sse?n=N&ms=M` → SSE: headers at once, then `sseEvent(i)` for i = 1…N, each M ms after the
 *   previous one (defaults 10 and 100: a 1 s stream), then the end
 * - `GET /boom` → throws `new Error('boom')`; the app's error handler pushes it to `errors` and
 *   answers 500
 * - `POST /echo` → reads the whole body, answers its length
 */
import { Agent } from 'node:http';
import { createLens, type Lens } from '@inferlens/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, sse, sseEvent } from './client.js';
import { histogram, seriesOf, total, waitFor } from './store.js';

export interface TestServer {
  url: string;
  /** Errors the framework's error handler received. */
  errors: unknown[];
  close(): Promise<void>;
}

export type StartServer = (lens: Lens) => Promise<TestServer>;

const FULL_SSE = Array.from({ length: 10 }, (_, i) => sseEvent(i + 1)).join('');

export function describeConformance(name: string, start: StartServer): void {
  describe(`${name} on a real socket`, () => {
    let lens: Lens;
    let server: TestServer;
    beforeAll(async () => {
      lens = createLens({ engine: 'test' });
      server = await start(lens);
    });
    afterAll(() => server.close());

    it('records a 1 s SSE stream as ≈1 s, with TTFB ≈ the first event and the bytes sent', async () => {
      const r = await sse(`${server.url}/sse`);
      expect(r).toMatchObject({ status: 200, aborted: false, bytes: FULL_SSE.length });
      const done = { route: '/sse', status: '200', outcome: 'completed' };
      await waitFor(
        () => total(lens, 'httpRequests', done) === 1,
        5000,
        'the stream to be recorded',
      );
      const duration = histogram(lens, 'httpRequestDuration', done);
      expect(duration.count).toBe(1);
      expect(duration.sum).toBeGreaterThan(0.95);
      expect(duration.sum).toBeLessThan(2.5);
      const ttfb = histogram(lens, 'httpTimeToFirstByte', { route: '/sse' });
      expect(ttfb.count).toBe(1);
      expect(ttfb.sum).toBeGreaterThan(0.09);
      expect(ttfb.sum).toBeLessThan(0.6);
      expect(histogram(lens, 'httpResponseSize', { route: '/sse', status: '200' }).sum).toBe(
        FULL_SSE.length,
      );
    });

    it('records a stream the client aborts once, as aborted, and in-flight returns to 0', async () => {
      const r = await sse(`${server.url}/sse`, sseEvent(1).length);
      expect(r.aborted).toBe(true);
      const aborted = { route: '/sse', outcome: 'aborted' };
      await waitFor(
        () => total(lens, 'httpRequests', aborted) === 1,
        5000,
        'the abort to be recorded',
      );
      await waitFor(() => total(lens, 'httpRequestsInFlight') === 0, 5000, 'in-flight to reach 0');
      // Give a late double-recording the chance to show up before checking there is none.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seriesOf(lens, 'httpRequests', aborted)).toMatchObject([
        { labels: { status: '200' }, value: 1 },
      ]);
      expect(total(lens, 'httpRequests', { route: '/sse' })).toBe(2);
      const d = histogram(lens, 'httpRequestDuration', aborted);
      expect(d.sum).toBeGreaterThan(0.09);
      expect(d.sum).toBeLessThan(0.9);
      const sent = histogram(lens, 'httpResponseSize', { route: '/sse' }).sum - FULL_SSE.length;
      expect(sent).toBeGreaterThanOrEqual(sseEvent(1).length);
      expect(sent).toBeLessThan(FULL_SSE.length);
    });

    it('folds 1,000 distinct unknown paths into one route series', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const batch = (from: number) =>
        Array.from({ length: 100 }, (_, i) =>
          send(`${server.url}/nope/${from + i}?q=${i}`, { agent }),
        );
      for (let i = 0; i < 1000; i += 100) {
        const rs = await Promise.all(batch(i));
        expect(rs.every((r) => r.status === 404)).toBe(true);
      }
      agent.destroy();
      await waitFor(
        () => total(lens, 'httpRequests', { status: '404' }) === 1000,
        5000,
        '1,000 404s',
      );
      expect(seriesOf(lens, 'httpRequests', { status: '404' })).toMatchObject([
        { labels: { route: '#unmatched', method: 'GET', outcome: 'completed' }, value: 1000 },
      ]);
      expect(seriesOf(lens, 'httpRequests').some((s) => s.labels.route!.startsWith('/nope'))).toBe(
        false,
      );
      expect(seriesOf(lens, 'httpTimeToFirstByte', { route: '#unmatched' })).toHaveLength(1);
    });

    it('records a throwing handler as an error and the error reaches the error handler', async () => {
      const r = await send(`${server.url}/boom`);
      expect(r.status).toBe(500);
      expect(server.errors).toHaveLength(1);
      expect((server.errors[0] as Error).message).toBe('boom');
      const failed = { route: '/boom', status: '500', outcome: 'error' };
      await waitFor(
        () => total(lens, 'httpRequests', failed) === 1,
        5000,
        'the error to be recorded',
      );
    });

    it('labels routes with their template and counts request bytes as read', async () => {
      await send(`${server.url}/users/1`);
      await send(`${server.url}/users/2`);
      const body = 'x'.repeat(150_000);
      const echoed = await send(`${server.url}/echo`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain' },
      });
      expect(echoed.body).toBe(String(body.length));
      await waitFor(() => total(lens, 'httpRequests', { route: '/echo' }) === 1, 5000, 'the echo');
      expect(total(lens, 'httpRequests', { route: '/users/:id', status: '200' })).toBe(2);
      expect(histogram(lens, 'httpRequestSize', { method: 'POST', route: '/echo' }).sum).toBe(
        body.length,
      );
      expect(histogram(lens, 'httpResponseSize', { route: '/echo' }).sum).toBe(
        String(body.length).length,
      );
    });

    it('serves /metrics by Accept, /health and /status, and records none of them', async () => {
      const before = total(lens, 'httpRequests');
      const text = await send(`${server.url}/metrics`);
      expect(text.status).toBe(200);
      expect(text.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(text.body).toContain(
        'http_requests_total{method="GET",route="/users/:id",status="200",outcome="completed"} 2',
      );
      const om = await send(`${server.url}/metrics`, {
        headers: { accept: 'application/openmetrics-text; version=1.0.0' },
      });
      expect(om.headers['content-type']).toBe(
        'application/openmetrics-text; version=1.0.0; charset=utf-8',
      );
      expect(om.body.endsWith('# EOF\n')).toBe(true);
      expect(JSON.parse((await send(`${server.url}/health`)).body)).toEqual({ status: 'ok' });
      const status = JSON.parse((await send(`${server.url}/status`)).body);
      expect(status).toMatchObject({
        status: 'ready',
        engine: { name: 'test' },
        inFlight: { http: 0 },
      });
      expect(total(lens, 'httpRequests')).toBe(before);
      expect(
        seriesOf(lens, 'httpRequests').some((s) =>
          ['/metrics', '/health', '/status'].includes(s.labels.route!),
        ),
      ).toBe(false);
    });
  });
}
