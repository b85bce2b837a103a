import type { Exchange } from './exchange.js';

/** The Web Streams surface used here (no DOM lib: the package builds for every runtime). */
export interface ByteStream {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    cancel(reason?: unknown): Promise<void>;
  };
}

interface Tap {
  chunk(bytes: number): void;
  done(): void;
  cancel(): void;
  error(): void;
}

declare const ReadableStream: new (
  source: {
    pull(controller: {
      enqueue(chunk: Uint8Array): void;
      close(): void;
      error(e: unknown): void;
    }): Promise<void>;
    cancel(reason: unknown): Promise<void>;
  },
  strategy?: { highWaterMark: number },
) => ByteStream;

/**
 * A stream that passes `source` through chunk by chunk and tells `tap` what happens: each chunk's
 * size, the end, a cancel by the consumer, an error from the source. Pull-based with no buffer of
 * its own, so a chunk is counted when the consumer takes it, which for a response body is when the
 * server writes it out.
 */
function tapStream(source: ByteStream, tap: Tap): ByteStream {
  const reader = source.getReader();
  return new ReadableStream(
    {
      async pull(controller) {
        let result: { done: boolean; value?: Uint8Array };
        try {
          result = await reader.read();
        } catch (error) {
          tap.error();
          controller.error(error);
          return;
        }
        if (result.done) {
          tap.done();
          controller.close();
          return;
        }
        const value = result.value;
        if (value !== undefined) {
          tap.chunk(value.byteLength ?? 0);
          controller.enqueue(value);
        }
      },
      cancel(reason) {
        tap.cancel();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Wraps a response body so the exchange ends when the body does: TTFB at the first chunk, duration
 * at the last, an abort when the client cancels the stream, an error when the source fails. This
 * is how runtimes without a response `finish` event (Hono on Bun, Deno, Workers) see the end of a
 * stream; timing at the return of the handler would record a 1 s SSE stream as a few ms.
 *
 * @example
 * c.res = new Response(wrapResponseBody(ex, c.res.body, c.res.status), c.res);
 */
export function wrapResponseBody<Req>(
  ex: Exchange<Req>,
  body: ByteStream,
  status: number,
): ByteStream {
  return tapStream(body, {
    chunk: (n) => ex.sent(n),
    done: () => ex.end(status, false),
    cancel: () => ex.end(status, true),
    error: () => {
      ex.fail();
      ex.end(status, false);
    },
  });
}

/** Wraps a request body so the bytes the app reads are counted. */
export function wrapRequestBody<Req>(ex: Exchange<Req>, body: ByteStream): ByteStream {
  const ignore = (): void => {};
  return tapStream(body, {
    chunk: (n) => ex.received(n),
    done: ignore,
    cancel: ignore,
    error: ignore,
  });
}
