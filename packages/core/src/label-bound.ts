/**
 * The length bound on label values. One multi-megabyte value (a model name, a header read into a
 * custom label, an engine's model id) would otherwise be copied into every line of every family it
 * touches, until a scrape no longer fits in a string (issue #11). The store cuts every value at
 * the one place series are created; callers that key caches by label values cut first with the
 * same function, so their caches stay small too.
 */

/** Default bound on one label value, in UTF-8 bytes (`createLens({ maxLabelValueBytes })`). */
export const DEFAULT_MAX_LABEL_VALUE_BYTES = 256;

/** What ends a cut value, so a reader sees it was cut; it counts towards the bound. */
export const CUT_MARKER = '…[cut]';
const MARKER_BYTES = 8; // '…' is 3 bytes in UTF-8, '[cut]' 5

/** The smallest bound accepted: the marker plus a few characters of the value. */
export const MIN_MAX_LABEL_VALUE_BYTES = 16;

/**
 * `value` if it fits in `maxBytes` UTF-8 bytes, else its longest prefix that fits with
 * {@link CUT_MARKER} after it (never splitting a surrogate pair). Reads at most `maxBytes`
 * characters, so a 4 MB value costs no more than a short one. Callers check the fast case first:
 * a string of at most `maxBytes / 3` UTF-16 units always fits.
 *
 * @example
 * cutLabelValue('a'.repeat(300), 16); // 'aaaaaaaa…[cut]'
 */
export function cutLabelValue(value: string, maxBytes: number): string {
  const keep = maxBytes - MARKER_BYTES;
  let bytes = 0;
  let cutAt = 0;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    let size = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    let next = i;
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        size = 4;
        next = i + 1;
      }
    }
    bytes += size;
    if (bytes > maxBytes) return value.slice(0, cutAt) + CUT_MARKER;
    if (bytes <= keep) cutAt = next + 1;
    i = next;
  }
  return value;
}
