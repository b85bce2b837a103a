/**
 * Prometheus's template functions `humanize`, `humanizePercentage` and `humanizeDuration`, and Go's
 * `%.4g`, written again here only to predict the annotations a firing alert carries in the
 * generated `promtool test rules` cases (promtool compares them exactly). Ported from
 * prometheus/template/template.go; checked against promtool by the tests.
 */

/** Go's `fmt.Sprintf("%.4g", v)`. */
export function g4(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const [mantissa, e] = v.toExponential(3).split('e') as [string, string];
  const exp = Number(e);
  const strip = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exp < -4 || exp >= 4)
    return `${strip(mantissa)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return strip(v.toFixed(Math.max(0, 3 - exp)));
}

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${g4(v)}${prefix}`;
  }
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}`;
}

export const humanizePercentage = (v: number): string => `${g4(v * 100)}%`;

export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return `${g4(v)}s`;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const abs = Math.abs(v);
    const d = Math.trunc(abs);
    const [secs, mins, hours, days] = [
      d % 60,
      Math.trunc(d / 60) % 60,
      Math.trunc(d / 3600) % 24,
      Math.trunc(d / 86400),
    ];
    if (days) return `${sign}${days}d ${hours}h ${mins}m ${secs}s`;
    if (hours) return `${sign}${hours}h ${mins}m ${secs}s`;
    if (mins) return `${sign}${mins}m ${secs}s`;
    return `${sign}${g4(abs)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

/** Go's `%v` of a float64 (shortest representation, exponent from 1e21). */
export function goFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  const s = String(v);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Expands the parts of Prometheus's alert templates that the generated rules use. */
export function expand(template: string, labels: Record<string, string>, value: number): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, body: string) => {
    const label = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(body);
    if (label) return labels[label[1]!] ?? '';
    const m = /^\$value(?:\s*\|\s*(humanize|humanizePercentage|humanizeDuration))?$/.exec(body);
    if (!m) throw new Error(`expand: template part not supported: ${whole}`);
    if (m[1] === 'humanize') return humanize(value);
    if (m[1] === 'humanizePercentage') return humanizePercentage(value);
    if (m[1] === 'humanizeDuration') return humanizeDuration(value);
    return goFloat(value);
  });
}
