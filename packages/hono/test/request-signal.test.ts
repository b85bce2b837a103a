import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { manualLens } from '../../core/test/helpers.js';
import { histogram, total } from '../../http/test/support/store.js';
import { inferlens } from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);

function streamingApp() {
  const { lens, clock } = manualLens();
  const app = new Hono();
  app.use(inferlens({ lens }));
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  app.get(
    '/v1/stream',
    () =>
      new Response(
        new ReadableStream({
          start: (c) => void (controller = c),
          cancel: () => void (cancelled = true),
        }),
      ),
  );
  return { lens, clock, app, controller: () => controller, cancelled: () => cancelled };
}

// workerd stops reading the body of a client that left without cancelling it, and aborts
// request.signal instead (enable_request_signal); test/workerd-runtime.test.ts sees it for real.
describe('@inferlens/hono and request.signal', () => {
  it('ends a stream whose body is never cancelled as aborted when the request signal aborts', async () => {
    const { lens, clock, app, controller, cancelled } = streamingApp();
    const client = new AbortController();
    const res = await app.request('/v1/stream', { signal: client.signal });
    const reader = res.body!.getReader();
    controller().enqueue(enc('data: 1\n\n'));
    await reader.read();
    clock.t += 250;
    expect(total(lens, 'httpRequestsInFlight')).toBe(1);
    client.abort();
    expect(cancelled()).toBe(false);
    expect(total(lens, 'httpRequestsInFlight')).toBe(0);
    expect(
      histogram(lens, 'httpRequestDuration', { route: '/v1/stream', outcome: 'aborted' }),
    ).toEqual({ count: 1, sum: 0.25 });
  });

  it('keeps a finished stream completed when the signal aborts after it (Deno does)', async () => {
    const { lens, clock, app, controller } = streamingApp();
    const client = new AbortController();
    const res = await app.request('/v1/stream', { signal: client.signal });
    const reader = res.body!.getReader();
    clock.t += 100;
    controller().enqueue(enc('data: 1\n\n'));
    controller().close();
    await reader.read();
    expect((await reader.read()).done).toBe(true);
    client.abort();
    expect(total(lens, 'httpRequests', { outcome: 'completed' })).toBe(1);
    expect(total(lens, 'httpRequests', { outcome: 'aborted' })).toBe(0);
    expect(histogram(lens, 'httpRequestDuration', { outcome: 'completed' })).toEqual({
      count: 1,
      sum: 0.1,
    });
  });
});
