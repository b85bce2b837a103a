// GGUF v3 (ggml's docs/gguf.md): header, key/value metadata, tensor infos, tensor data aligned
// to `general.alignment` (32 by default).

/** Tensor data alignment, in bytes. */
export const ALIGN = 32;
/** GGUF metadata value types. */
const T = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;

export const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/**
 * A growing little-endian buffer with GGUF's value encodings (`kv…` write a metadata value with
 * its type tag).
 */
export class GgufWriter {
  #buf = new Uint8Array(1 << 20);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }
  u32(v: number): void {
    this.#room(4);
    this.#view.setUint32(this.#len, v, true);
    this.#len += 4;
  }
  i32(v: number): void {
    this.#room(4);
    this.#view.setInt32(this.#len, v, true);
    this.#len += 4;
  }
  f32(v: number): void {
    this.#room(4);
    this.#view.setFloat32(this.#len, v, true);
    this.#len += 4;
  }
  u64(v: number): void {
    this.#room(8);
    this.#view.setBigUint64(this.#len, BigInt(v), true);
    this.#len += 8;
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  pad(): void {
    const n = alignUp(this.#len) - this.#len;
    this.bytes(new Uint8Array(n));
  }
  kvU32(v: number): void {
    this.u32(T.u32);
    this.u32(v);
  }
  kvF32(v: number): void {
    this.u32(T.f32);
    this.f32(v);
  }
  kvBool(v: boolean): void {
    this.u32(T.bool);
    this.bytes(Uint8Array.of(v ? 1 : 0));
  }
  kvString(s: string): void {
    this.u32(T.string);
    this.string(s);
  }
  #array(type: number, n: number): void {
    this.u32(T.array);
    this.u32(type);
    this.u64(n);
  }
  kvStrings(a: string[]): void {
    this.#array(T.string, a.length);
    for (const s of a) this.string(s);
  }
  kvF32s(a: number[]): void {
    this.#array(T.f32, a.length);
    for (const v of a) this.f32(v);
  }
  kvI32s(a: number[]): void {
    this.#array(T.i32, a.length);
    for (const v of a) this.i32(v);
  }
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}
