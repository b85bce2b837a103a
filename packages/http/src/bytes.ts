declare const Buffer: { byteLength(s: string, encoding?: string): number } | undefined;

/**
 * Bytes a chunk puts on the wire: strings by their encoding (UTF-8 unless told), byte arrays and
 * buffers by length. Anything else (a callback passed where a chunk may be) counts 0.
 */
export function byteLength(chunk: unknown, encoding?: unknown): number {
  if (typeof chunk === 'string') {
    if (typeof Buffer !== 'undefined')
      return Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding : 'utf8');
    return utf8Length(chunk);
  }
  if (chunk !== null && typeof chunk === 'object') {
    const n = (chunk as { byteLength?: unknown }).byteLength;
    return typeof n === 'number' ? n : 0;
  }
  return 0;
}

/** UTF-8 length without encoding the string (runtimes without Buffer). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair: one code point, 4 bytes
      i++;
    } else n += 3; // the rest of the BMP, and a lone surrogate (written as U+FFFD)
  }
  return n;
}
