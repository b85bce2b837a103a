/** How a tile or cell shows its number. */
export type ValueFormat = 'rate' | 'seconds' | 'ratio' | 'count' | 'perMinute';

/**
 * A number as the page shows it: `12.3/s`, `245 ms`, `1.20 s`, `3.1 %`, `7`. NaN (no data yet,
 * no traffic in the window) is an em dash, never a misleading 0.
 *
 * @example
 * formatValue(0.2451, 'seconds'); // '245 ms'
 */
export function formatValue(value: number, format: ValueFormat): string {
  if (typeof value !== 'number' || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const digits = (v: number): string => {
    const a = Math.abs(v);
    if (a === 0) return '0';
    if (a < 10) return v.toFixed(2);
    if (a < 100) return v.toFixed(1);
    return Math.round(v).toLocaleString('en-US');
  };
  switch (format) {
    case 'rate':
      return `${digits(value)}/s`;
    case 'perMinute':
      return `${digits(value)}/min`;
    case 'ratio':
      return `${digits(value * 100)} %`;
    case 'seconds': {
      const a = Math.abs(value);
      if (a === 0) return '0 s';
      if (a < 0.001) return `${(value * 1e6).toFixed(0)} µs`;
      if (a < 1) return `${digits(value * 1000)} ms`;
      return `${digits(value)} s`;
    }
    default:
      return Number.isInteger(value) ? value.toLocaleString('en-US') : digits(value);
  }
}

/**
 * The `points` of an SVG polyline drawing `values` in a `width` × `height` box: newest on the
 * right, zero at the bottom, scaled to the largest value; NaN points are left out.
 *
 * @example
 * sparklinePoints([0, 1, 2], 100, 20); // '0,20 50,10 100,0'
 */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  let max = 0;
  for (const v of values) if (Number.isFinite(v) && v > max) max = v;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points: string[] = [];
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const y = max > 0 ? height - (Math.max(v, 0) / max) * height : height;
    points.push(`${Math.round(i * step * 10) / 10},${Math.round(y * 10) / 10}`);
  });
  return points.join(' ');
}
