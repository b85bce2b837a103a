import { describe, expect, it } from 'vitest';
import { manualLens } from '../../core/test/helpers.js';
import {
  type ByteStream,
  HttpRecorder,
  wrapRequestBody,
  wrapResponseBody,
} from '../src/internal.js';
import { histogram, seriesOf, total } from './support/store.js';

/** A byte stream whose chunks the test hands out one by one. */
function controlled() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled: unknown = 'not cancelled';
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
    cancel: (reason) => {
      cancelled = reason;
    },
  });
  return { stream, controller, cancelled: () => cancelled };
}

/** The wrapped body of `src`, read through its own reader. */
function wrapped(ex: ReturnType<typeof setup>['ex'], src: ReturnType<typeof controlled>) {
  return (
    wrapResponseBody(
      ex,
      src.stream as unknown as ByteStream,
      200,
    ) as unknown as ReadableStream<Uint8Array>
  ).getReader();
}

function setup() {
  const { lens, clock } = manualLens();
  const recorder = new HttpRecorder<null>('@inferlens/test', { lens }, () => '/stream');
  return { lens, clock, ex: recorder.begin('GET', '/stream', null)! };
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('wrapResponseBody', () => {
  it('times the first chunk and the end of the body, and counts what the consumer took', async () => {
    const { lens, clock, ex } = setup();
    const src = controlled();
    const reader = wrapped(ex, src);
    clock.t += 100;
    src.controller.enqueue(bytes('data: 1\n\n'));
    expect((await reader.read()).value).toEqual(bytes('data: 1\n\n'));
    clock.t += 900;
    src.controller.enqueue(bytes('data: 2\n\n'));
    await reader.read();
    expect(total(lens, 'httpRequestsInFlight')).toBe(1);
    src.controller.close();
    expect((await reader.read()).done).toBe(true);
    expect(histogram(lens, 'httpRequestDuration', { outcome: 'completed' })).toEqual({
      count: 1,
      sum: 1,
    });
    expect(histogram(lens, 'httpTimeToFirstByte')).toEqual({ count: 1, sum: 0.1 });
    expect(histogram(lens, 'httpResponseSize').sum).toBe(18);
    expect(total(lens, 'httpRequestsInFlight')).toBe(0);
  });

  it('records a cancel by the client once, as aborted, and passes the cancel on', async () => {
    const { lens, clock, ex } = setup();
    const src = controlled();
    const reader = wrapped(ex, src);
    src.controller.enqueue(bytes('data: 1\n\n'));
    await reader.read();
    clock.t += 250;
    await reader.cancel('client went away');
    expect(src.cancelled()).toBe('client went away');
    expect(seriesOf(lens, 'httpRequests')).toMatchObject([
      { labels: { status: '200', outcome: 'aborted' }, value: 1 },
    ]);
    expect(histogram(lens, 'httpRequestDuration').sum).toBe(0.25);
    expect(total(lens, 'httpRequestsInFlight')).toBe(0);
  });

  it('records a source that fails as an error and passes the error on', async () => {
    const { lens, ex } = setup();
    const src = controlled();
    const reader = wrapped(ex, src);
    src.controller.error(new Error('engine died'));
    await expect(reader.read()).rejects.toThrow('engine died');
    expect(seriesOf(lens, 'httpRequests')).toMatchObject([
      { labels: { status: '200', outcome: 'error' }, value: 1 },
    ]);
  });
});

describe('wrapRequestBody', () => {
  it('counts the bytes the app reads', async () => {
    const { lens, ex } = setup();
    const body = new Blob(['x'.repeat(70_000), 'é']).stream();
    const wrapped = wrapRequestBody(
      ex,
      body as unknown as ByteStream,
    ) as unknown as ReadableStream<Uint8Array>;
    expect(await new Response(wrapped).text()).toHaveLength(70_001);
    ex.end(200, false);
    expect(histogram(lens, 'httpRequestSize').sum).toBe(70_002);
  });
});
