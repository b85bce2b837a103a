import { formatValue } from './format.js';

declare const TextEncoder: new () => {
  encodeInto(s: string, into: Uint8Array): { read: number; written: number };
};

/** Bytes per chunk: small enough to write to a socket at once, big enough to keep calls few. */
export const CHUNK_BYTES = 64 * 1024;
/**
 * Bytes per pooled chunk: a Node socket writes a buffer as it is, so a bigger chunk costs no copy,
 * and each chunk costs a write and its bookkeeping (about 3 KB of JS objects): 256 KiB chunks
 * make a 100k-series scrape allocate 7 MiB where 64 KiB ones made 16 MiB.
 */
export const POOL_CHUNK_BYTES = 256 * 1024;
/** The most bytes a number takes as text (`-1.2345678901234567e-308` is 24). */
export const NUMBER_BYTES = 25;

declare const TextDecoder: new () => { decode(bytes: Uint8Array): string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Chunk buffers that a stream writes into and takes back once they are sent, so a scrape of
 * hundreds of MB allocates next to nothing: no chunk strings on the JS heap (scavenges that
 * stretch a slice), no socket copies of them, and no fresh buffers outside the heap (those push V8
 * into full collections of the whole heap). A chunk is a view of one pooled buffer; a chunk that
 * is never given back is collected like any other, and the pool makes a new buffer when empty.
 *
 * @example
 * const pool = new ChunkPool();
 * for await (const chunk of renderStream(store, 'prometheus', { pool }))
 *   res.write(chunk, () => pool.release(chunk));
 */
export class ChunkPool {
  readonly #free: ArrayBuffer[] = [];
  /** Buffers handed out and not yet given back: a second release, or a foreign chunk, is ignored. */
  readonly #out = new WeakSet<ArrayBufferLike>();
  readonly #keep: number;
  /** Bytes of each buffer: the most a chunk holds. */
  readonly bytes: number;

  /** Keeps at most `keep` free buffers of `bytes` each (256 KiB by default) between scrapes. */
  constructor(keep = 16, bytes = POOL_CHUNK_BYTES) {
    this.#keep = keep;
    this.bytes = bytes;
  }

  /** A buffer of {@link ChunkPool.bytes} to write into. */
  get(): Uint8Array {
    const b = this.#free.pop() ?? new ArrayBuffer(this.bytes);
    this.#out.add(b);
    return new Uint8Array(b);
  }

  /** Takes back the buffer of a chunk it handed out, once nothing reads the chunk any more. */
  release(chunk: Uint8Array): void {
    const b = chunk.buffer;
    if (!this.#out.delete(b)) return;
    if (this.#free.length < this.#keep) this.#free.push(b as ArrayBuffer);
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Exposition text written straight into UTF-8 chunks, so a scrape never builds one string of the
 * whole output (a deep rope that costs more to flatten and collect than to render, issue 17).
 * Writers call {@link reserve} once for a run of writes and then write without bounds checks, so
 * a run may copy its own earlier bytes (`repeat`) within the same chunk.
 */
export class ByteSink {
  /** Bytes, or with `text` flat strings decoded from one reused buffer. */
  chunks: (Uint8Array | string)[] = [];
  buf: Uint8Array;
  pos = 0;
  /** Bytes of the chunks ended since the last {@link take} (not counting `buf`). */
  #done = 0;
  /** UTF-8 bytes minus UTF-16 units written so far: the render bound counts characters. */
  extra = 0;
  /** `extra` when the current chunk began. */
  #extraMark = 0;
  /** Characters of the chunks in `chunks`. */
  #pendingChars = 0;
  /** Characters of the chunks handed out by {@link takeDone} since the last {@link take}. */
  #handed = 0;
  /**
   * Chunks as strings: the buffer is reused, so a stream allocates no buffers outside the JS heap
   * (those push V8 into full collections of the whole heap when a scrape makes hundreds of MB).
   */
  readonly #text: boolean;
  /** Byte chunks written into buffers of this pool, one chunk per buffer. */
  readonly #pool: ChunkPool | undefined;

  constructor(text = false, pool?: ChunkPool) {
    this.#text = text;
    this.#pool = text ? undefined : pool;
    // From a pool, the first buffer is taken on the first write.
    this.buf = this.#pool ? EMPTY : new Uint8Array(CHUNK_BYTES);
  }

  /** Makes room for `n` more bytes in the current chunk, starting a new one when needed. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.#flush();
    if (this.#pool && n <= this.#pool.bytes) this.buf = this.#pool.get();
    else if (!this.#text || n > this.buf.length)
      this.buf = new Uint8Array(Math.max(CHUNK_BYTES, n));
  }

  /** Hands out what is written; the rest of the chunk stays the buffer to write into. */
  #flush(): void {
    if (this.pos === 0) return;
    if (this.#text) this.chunks.push(decoder.decode(this.buf.subarray(0, this.pos)));
    else {
      this.chunks.push(this.buf.subarray(0, this.pos));
      // A pooled buffer goes back whole, so the next chunk starts in another.
      this.buf = this.#pool ? EMPTY : this.buf.subarray(this.pos);
    }
    this.#done += this.pos;
    this.#pendingChars += this.pos - (this.extra - this.#extraMark);
    this.#extraMark = this.extra;
    this.pos = 0;
  }

  /** Bytes written since the last {@link take}. */
  get bytes(): number {
    return this.#done + this.pos;
  }

  /** Characters written so far, as `string.length` would count them. */
  get length(): number {
    return this.#done + this.pos - this.extra;
  }

  /** Every chunk written, ending the current one; the sink starts over empty. */
  take(): (Uint8Array | string)[] {
    this.#flush();
    const out = this.chunks;
    this.chunks = [];
    this.#done = 0;
    this.extra = 0;
    this.#extraMark = 0;
    this.#pendingChars = 0;
    this.#handed = 0;
    return out;
  }

  /**
   * The chunks that are full, leaving the current one to fill up: fewer, bigger chunks than
   * {@link take} at every pause. `length` and `bytes` still count from the last `take`.
   */
  takeDone(): (Uint8Array | string)[] {
    const out = this.chunks;
    if (out.length === 0) return out;
    this.chunks = [];
    this.#handed += this.#pendingChars;
    this.#pendingChars = 0;
    return out;
  }

  /** Gives chunks that are not sent (a family left out) back to the pool they came from. */
  discard(chunks: readonly (Uint8Array | string)[]): void {
    if (this.#pool) for (const c of chunks) if (typeof c !== 'string') this.#pool.release(c);
  }

  /** Characters of the chunks {@link takeDone} handed out since the last {@link take}. */
  get handed(): number {
    return this.#handed;
  }

  /** A string known to be ASCII (names, numbers, fixed text); room reserved. */
  ascii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any string, as UTF-8; room for `s.length * 3` bytes reserved. */
  text(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        const rest = s.slice(i);
        const { written } = encoder.encodeInto(rest, buf.subarray(p));
        this.pos = p + written;
        this.extra += written - rest.length;
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /** Any string, reserving its room first. */
  write(s: string): void {
    this.reserve(s.length * 3);
    this.text(s);
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** Copies `n` bytes written earlier in this chunk from `from`; room reserved. */
  repeat(from: number, n: number): void {
    this.buf.copyWithin(this.pos, from, from + n);
    this.pos += n;
  }

  /** `String(v)`, as a template literal writes a number; room reserved. */
  string(v: number): void {
    if (v >= 0 && v < 9007199254740992 && Math.floor(v) === v) this.#integer(v);
    else this.ascii(String(v));
  }

  /** {@link formatValue}: Go's spelling of the special values; room reserved. */
  value(v: number): void {
    if (v >= 0 && v < 9007199254740992 && Math.floor(v) === v) this.#integer(v);
    else this.ascii(formatValue(v));
  }

  #integer(v: number): void {
    const buf = this.buf;
    if (v < 10) {
      buf[this.pos++] = 48 + v;
      return;
    }
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let t = v; digits-- > 0; t = Math.floor(t / 10)) buf[--p] = 48 + (t % 10);
  }
}
