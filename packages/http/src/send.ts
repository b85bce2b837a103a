import type { ByteStream } from './web.js';

/** The parts of Node's `ServerResponse` that streaming a body needs. */
export interface ChunkSink {
  write(chunk: Uint8Array | string, callback?: () => void): unknown;
  end(): unknown;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  readonly writableEnded: boolean;
}

/** Where byte chunks go back once written (`ChunkPool` of `@inferlens/core`). */
export interface ChunkReturn {
  release(chunk: Uint8Array): void;
}

/**
 * Writes `body` to a Node response chunk by chunk, waiting for `drain` when the socket is full,
 * then ends it. When the client goes away, reading stops, and with it the render (issue 17).
 * With `pool`, each byte chunk goes back to it once the socket has written it (the write's
 * callback), so the render writes the next ones into the same buffers. Never throws: a body that
 * fails ends the response where it stands.
 */
export async function writeChunks(
  res: ChunkSink,
  body: AsyncIterable<Uint8Array | string>,
  pool?: ChunkReturn,
): Promise<void> {
  const it = body[Symbol.asyncIterator]();
  let closed = false;
  let wake: (() => void) | undefined;
  res.on('close', () => {
    closed = true;
    wake?.();
  });
  try {
    while (!closed) {
      const next = await it.next();
      if (next.done === true || closed) break;
      const chunk = next.value;
      const written =
        pool !== undefined && typeof chunk !== 'string'
          ? res.write(chunk, () => pool.release(chunk))
          : res.write(chunk);
      if (written === false && !closed)
        await new Promise<void>((resolve) => {
          wake = resolve;
          res.once('drain', resolve);
        });
      wake = undefined;
    }
    if (closed) await it.return?.();
  } catch {
    // Rendering never throws; a broken socket ends the response below.
  }
  try {
    if (!closed && !res.writableEnded) res.end();
  } catch {
    // The socket is gone already.
  }
}

declare const TextEncoder: new () => { encode(s: string): Uint8Array };
const encoder = new TextEncoder();

declare const ReadableStream: new (source: {
  pull(controller: { enqueue(chunk: Uint8Array): void; close(): void }): Promise<void>;
  cancel(): Promise<void>;
}) => ByteStream;

/**
 * `body` as a web `ReadableStream`, read on demand (pull), so a runtime that sends a `Response`
 * renders only as fast as the client reads; a cancel by the client stops the render.
 */
export function chunkStream(body: AsyncIterable<Uint8Array | string>): ByteStream {
  const it = body[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await it.next();
      if (next.done === true) controller.close();
      else
        controller.enqueue(
          typeof next.value === 'string' ? encoder.encode(next.value) : next.value,
        );
    },
    async cancel() {
      await it.return?.();
    },
  });
}
