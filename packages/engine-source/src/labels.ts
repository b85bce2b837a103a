import { formatValue } from '@inferlens/core';

/** Label values in both text formats escape backslash, double quote and line feed. */
export function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v)
    ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
    : v;
}

/** `a="1",b="2"` from name/value pairs; pairs with an empty value are left out, as core does. */
export function labelText(pairs: readonly (readonly [string, string])[]): string {
  let out = '';
  for (const [k, v] of pairs) {
    if (v === '') continue;
    out += `${out ? ',' : ''}${k}="${escapeLabelValue(v)}"`;
  }
  return out;
}

/** A bucket bound: OpenMetrics wants canonical floats (`1.0`); 0.0.4 takes the shortest form. */
export function formatLe(v: number, openMetrics: boolean): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  const s = formatValue(v);
  return openMetrics && Number.isInteger(v) && !s.includes('e') ? `${s}.0` : s;
}
