/** A sample value in the text formats: Go's spelling of the special values. */
export function formatValue(v: number): string {
  if (Number.isFinite(v)) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? '+Inf' : '-Inf';
}

/** OpenMetrics wants canonical floats in `le` ("1.0", not "1"); 0.0.4 parsers accept either. */
export function formatLe(v: number, openMetrics: boolean): string {
  const s = String(v);
  return openMetrics && Number.isInteger(v) && !s.includes('e') ? `${s}.0` : s;
}
