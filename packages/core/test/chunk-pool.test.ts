import { describe, expect, it } from 'vitest';
import { SLICE_BYTES } from '../src/exposition-bytes.js';
import { ChunkPool, metricIds, render, renderStream, Store } from '../src/internal.js';

const ids = metricIds.length;

function store(models: number, label = ''): Store {
  const s = new Store({
    seriesLimit: 100_000,
    maxScrapeLength: 2 ** 28,
    maxLabelValueBytes: 8192,
    buckets: { timeToFirstToken: Array.from({ length: 40 }, (_, i) => (i + 1) / 10) },
  });
  for (let i = 0; i < models; i++) {
    s.family('timeToFirstToken')
      .series([`${label}model-${i}`, 'vllm'])
      .observe(i / 100);
    s.family('requests')
      .series([`${label}model-${i}`, 'vllm', 'stop'])
      .inc(i);
  }
  return s;
}

describe('chunk pool (#17)', () => {
  it('hands a buffer given back out again, once, and takes in no other', () => {
    const pool = new ChunkPool();
    const a = pool.get();
    expect(a.byteLength).toBe(pool.bytes);
    // A chunk is a view of the start of a buffer: the whole buffer comes back.
    pool.release(a.subarray(0, 10));
    const b = pool.get();
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteLength).toBe(pool.bytes);
    // Given back twice, it is in the pool once: two writers never share a buffer.
    pool.release(b);
    pool.release(b);
    expect(pool.get().buffer).toBe(a.buffer);
    expect(pool.get().buffer).not.toBe(a.buffer);
    // A chunk the pool did not hand out is left alone.
    const foreign = new Uint8Array(pool.bytes);
    pool.release(foreign);
    expect(pool.get().buffer).not.toBe(foreign.buffer);
  });

  it('keeps at most `keep` free buffers', () => {
    const pool = new ChunkPool(1);
    const a = pool.get();
    const b = pool.get();
    pool.release(a);
    pool.release(b);
    expect(pool.get().buffer).toBe(a.buffer);
    const c = pool.get();
    expect(c.buffer).not.toBe(a.buffer);
    expect(c.buffer).not.toBe(b.buffer);
  });

  it('writes a whole scrape into a few buffers when each chunk is given back once read', async () => {
    const s = store(20_000);
    const pool = new ChunkPool();
    const buffers = new Set<ArrayBufferLike>();
    const chunks: Buffer[] = [];
    for await (const c of renderStream(s, 'prometheus', { pool, sliceMs: 0 })) {
      buffers.add(c.buffer);
      chunks.push(Buffer.from(c));
      pool.release(c);
    }
    const out = Buffer.concat(chunks);
    expect(out.equals(Buffer.from(render(s)))).toBe(true);
    // Megabytes of output through a handful of buffers: a slice's chunks at most.
    expect(out.byteLength).toBeGreaterThan(40 * pool.bytes);
    expect(buffers.size).toBeLessThanOrEqual(SLICE_BYTES / pool.bytes + 4);
    // Each chunk a full buffer but the last of each family: few writes.
    expect(chunks.length).toBeLessThanOrEqual(Math.ceil(out.byteLength / pool.bytes) + ids);
  });

  it('gets back every buffer it wrote into, families left out included, scrape after scrape', async () => {
    // Most families are empty (never written), and under maxLength a family is left out whole
    // after it was written: those buffers go back too, so no scrape needs new ones.
    class Counting extends ChunkPool {
      readonly made = new Set<ArrayBufferLike>();
      override get(): Uint8Array {
        const b = super.get();
        this.made.add(b.buffer);
        return b;
      }
    }
    for (const maxLength of [undefined, 200_000]) {
      // Room for every buffer a scrape holds at once (a family held whole until it is known to
      // fit), so each one comes back to the pool.
      const pool = new Counting(64);
      // A scrape that leaves a family out counts it in a series it shows: fresh stores each time.
      const expected = Buffer.from(render(store(2_000), 'prometheus', { maxLength }));
      let afterFirst = 0;
      for (let r = 0; r < 5; r++) {
        const chunks: Buffer[] = [];
        for await (const c of renderStream(store(2_000), 'prometheus', {
          pool,
          maxLength,
          sliceMs: 0,
        })) {
          chunks.push(Buffer.from(c));
          pool.release(c);
        }
        expect(Buffer.concat(chunks).equals(expected)).toBe(true);
        if (r === 0) afterFirst = pool.made.size;
      }
      // Every later scrape wrote into buffers the first one gave back.
      expect(pool.made.size).toBe(afterFirst);
    }
  });

  it('chunks not given back are not written over', async () => {
    const s = store(3_000);
    const pool = new ChunkPool();
    const held: Uint8Array[] = [];
    for await (const c of renderStream(s, 'prometheus', { pool, sliceMs: 0 })) held.push(c);
    expect(Buffer.concat(held).equals(Buffer.from(render(s)))).toBe(true);
  });

  it('pauses within 128 series when their lines are long, so a slice stays short', async () => {
    // 40 buckets and a 4 KB model name: about 180 KB a histogram, 23 MB in 128 series.
    const s = store(120, 'x'.repeat(4000));
    let slices = 0;
    const chunks: Uint8Array[] = [];
    for await (const c of renderStream(s, 'prometheus', {
      sliceMs: 0,
      onSlice: () => {
        slices++;
      },
    }))
      chunks.push(c);
    const out = Buffer.concat(chunks);
    expect(out.equals(Buffer.from(render(s)))).toBe(true);
    // Every pause point may end a slice: one at least every SLICE_BYTES and a series.
    expect(slices).toBeGreaterThanOrEqual(Math.floor(out.byteLength / (SLICE_BYTES + 200_000)));
  });

  it("hands a slice's chunks out in an event-loop turn after the one that rendered it", async () => {
    const s = store(5_000);
    // Set at the end of each slice, cleared by the next turn of the event loop.
    let sameTurn = false;
    let handedOut = 0;
    let afterSlice = false;
    const onSlice = (): void => {
      sameTurn = true;
      afterSlice = true;
      setImmediate(() => {
        sameTurn = false;
      });
    };
    for await (const _ of renderStream(s, 'prometheus', { sliceMs: 0, onSlice })) {
      if (!afterSlice) continue;
      afterSlice = false;
      expect(sameTurn).toBe(false);
      handedOut++;
    }
    expect(handedOut).toBeGreaterThan(10);
  });
});
