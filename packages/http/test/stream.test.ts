import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLens } from '@inferlens/core';
import { ChunkPool } from '@inferlens/core/internal';
import { describe, expect, it } from 'vitest';
import { chunkStream, Endpoints, writeChunks } from '../src/internal.js';

const PKG = '@inferlens/test';

function busyLens() {
  const lens = createLens({ engine: 'e', seriesLimit: 10_000 });
  for (let i = 0; i < 3000; i++) lens.request({ model: `model-${i}` }).finish();
  return lens;
}

/** An iterable that counts how many chunks were asked for and whether it was stopped. */
function counted(chunks: number) {
  const state = { read: 0, stopped: false };
  const body: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: async () =>
        state.read < chunks
          ? { done: false, value: new Uint8Array(1024).fill(state.read++ % 256) }
          : { done: true, value: undefined },
      return: async () => {
        state.stopped = true;
        return { done: true, value: undefined };
      },
    }),
  };
  return { state, body };
}

describe('/metrics as a stream (#17)', () => {
  it('streams the same bytes as the string, and the string without { stream: true }', async () => {
    const lens = busyLens();
    const e = new Endpoints(PKG, { lens });
    const text = await e.handle('metrics', undefined, undefined);
    expect(text.stream).toBeUndefined();
    const r = await e.handle('metrics', undefined, undefined, { stream: true });
    expect(r.body).toBe('');
    expect(r.headers['content-type']).toBe(text.headers['content-type']);
    const chunks: (Uint8Array | string)[] = [];
    for await (const c of r.stream!) chunks.push(c);
    expect(Buffer.concat(chunks.map((c) => Buffer.from(c))).toString()).toBe(lens.render());
    const text2 = await e.handle('metrics', undefined, undefined, { stream: true, text: true });
    const parts: (Uint8Array | string)[] = [];
    for await (const c of text2.stream!) parts.push(c);
    expect(parts.every((c) => typeof c === 'string')).toBe(true);
    expect(parts.join('')).toBe(lens.render());
    // A scrape function of the app's, or a prefix, keeps the string.
    const own = new Endpoints(PKG, {
      lens,
      scrape: () => ({ contentType: 'text/plain', body: 'x' }),
    });
    expect((await own.handle('metrics', undefined, undefined, { stream: true })).body).toBe('x');
    const prefixed = new Endpoints(PKG, { lens, prefix: 'gw_' });
    expect((await prefixed.handle('metrics', undefined, undefined, { stream: true })).stream).toBe(
      undefined,
    );
  });

  it('writeChunks sends every chunk over a real socket, and stops reading when the client goes', async () => {
    const lens = busyLens();
    const e = new Endpoints(PKG, { lens });
    const server = createServer(async (_req, res) => {
      const r = await e.handle('metrics', undefined, undefined, { stream: true });
      res.writeHead(r.status, r.headers);
      await writeChunks(res, r.stream!);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    server.close();
    expect(body).toBe(lens.render());

    // A response that closes after the first chunk: no more is read.
    const res = Object.assign(new EventEmitter(), {
      writableEnded: false,
      write(_chunk: Uint8Array) {
        queueMicrotask(() => res.emit('close'));
        return true;
      },
      end() {
        res.writableEnded = true;
      },
    });
    const { state, body: chunks } = counted(1000);
    await writeChunks(res, chunks);
    expect(state.read).toBeLessThan(5);
    expect(state.stopped).toBe(true);
    expect(res.writableEnded).toBe(false);
  });

  it('writeChunks gives each byte chunk back to the pool only once the socket has written it', async () => {
    const released: Uint8Array[] = [];
    const pool = { release: (c: Uint8Array) => released.push(c) };
    const callbacks: (() => void)[] = [];
    const written: (Uint8Array | string)[] = [];
    const res = Object.assign(new EventEmitter(), {
      writableEnded: false,
      write(chunk: Uint8Array | string, callback?: () => void) {
        written.push(chunk);
        if (callback) callbacks.push(callback);
        return true;
      },
      end() {
        res.writableEnded = true;
      },
    });
    const a = new Uint8Array(4);
    const b = new Uint8Array(8);
    async function* body() {
      yield a;
      yield 'text';
      yield b;
    }
    await writeChunks(res, body(), pool);
    expect(written).toEqual([a, 'text', b]);
    expect(res.writableEnded).toBe(true);
    // Not before the write's callback: until then the socket may still read the buffer.
    expect(released).toEqual([]);
    expect(callbacks).toHaveLength(2);
    for (const callback of callbacks) callback();
    expect(released).toEqual([a, b]);
  });

  it('a pooled /metrics stream over a real socket is lens.render(), its buffers given back', async () => {
    const lens = busyLens();
    const e = new Endpoints(PKG, { lens });
    const pool = new ChunkPool();
    let released = 0;
    const counting = {
      release(c: Uint8Array) {
        released++;
        pool.release(c);
      },
    };
    let chunks = 0;
    const seen = new Set<ArrayBufferLike>();
    let served!: () => void;
    const done = new Promise<void>((resolve) => {
      served = resolve;
    });
    const server = createServer(async (_req, res) => {
      const r = await e.handle('metrics', undefined, undefined, { stream: true, pool });
      res.writeHead(r.status, r.headers);
      async function* counted() {
        for await (const c of r.stream!) {
          chunks++;
          seen.add((c as Uint8Array).buffer);
          yield c;
        }
      }
      await writeChunks(res, counted(), counting);
      // Every write's callback has run once the response has finished.
      if (!res.writableFinished) await new Promise((resolve) => res.once('finish', resolve));
      served();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    await done;
    server.close();
    expect(body).toBe(lens.render());
    expect(chunks).toBeGreaterThan(1);
    expect(released).toBe(chunks);
    // The chunks were the pool's buffers, and they are back in it.
    expect(seen.has(pool.get().buffer)).toBe(true);
  });

  it('chunkStream reads on demand and a cancel stops the source', async () => {
    const { state, body } = counted(1000);
    const reader = chunkStream(body).getReader();
    expect((await reader.read()).value?.byteLength).toBe(1024);
    await reader.cancel();
    expect(state.stopped).toBe(true);
    expect(state.read).toBeLessThan(5);
  });
});
