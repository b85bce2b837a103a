/** Python's `repr(float)`, which prometheus_client writes: `8.0`, `0.5`, `1e-05`, `+Inf`. */
export function pyFloat(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const s = String(v);
  // JavaScript writes 1e-7 where Python writes 1e-07.
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Rust's `Display` for f64, which TGI's exporter writes: `109`, `0.3375`, never an exponent. */
export function rustFloat(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (Number.isNaN(v)) return 'NaN';
  const s = String(v);
  if (!s.includes('e')) return s;
  const [mant, exp] = s.split('e') as [string, string];
  const e = Number(exp);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const point = mant.replace('-', '').indexOf('.');
  const intLen = (point < 0 ? digits.length : point) + e;
  const body =
    intLen <= 0
      ? `0.${'0'.repeat(-intLen)}${digits}`
      : intLen >= digits.length
        ? digits + '0'.repeat(intLen - digits.length)
        : `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return (neg ? '-' : '') + body;
}

/** A minimal histogram with fixed bounds (non-cumulative counts, +Inf last). */
export class FakeHistogram {
  readonly bounds: readonly number[];
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Array(bounds.length + 1).fill(0);
  }
  observe(v: number): void {
    let i = 0;
    while (i < this.bounds.length && v > this.bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

/** vLLM's `request_tokens` family: the 1-2-5 series up to the model length (buckets.py). */
export function oneTwoFive(max: number): number[] {
  const out: number[] = [];
  for (let m = 1; ; m *= 10)
    for (const k of [1, 2, 5]) {
      if (k * m > max) return out;
      out.push(k * m);
    }
}
