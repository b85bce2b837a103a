// Browser code (src/browser/ is bundled into the page's script at build time, scripts/bundle.mjs):
// only what every browser has, no Node API.

/** One sample line of a Prometheus text or OpenMetrics exposition. */
export interface Sample {
  /** Sample name as written (`http_requests_total`, `…_bucket`, `…_sum`). */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Name and labels as written: the same series gives the same key in every scrape. */
  key: string;
}

/**
 * Parses the sample lines of a Prometheus text 0.0.4 or OpenMetrics 1.0 exposition. Comments,
 * `# EOF`, timestamps and exemplars are skipped; a line it cannot read is skipped too, so one odd
 * line from a merged registry never blanks the page.
 *
 * @example
 * parseExposition('http_requests_total{route="/"} 3\n')[0]; // { name, labels: { route: '/' }, value: 3, key }
 */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.charCodeAt(0) === 35 /* # */) continue;
    const sample = parseSampleLine(line);
    if (sample !== null) samples.push(sample);
  }
  return samples;
}

/** Reads `name{label="value",…} value [timestamp] [# exemplar]`; null when malformed. */
export function parseSampleLine(line: string): Sample | null {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ' && line[i] !== '\t') i++;
  const name = line.slice(0, i);
  if (name === '') return null;
  // No prototype: a label called `__proto__` or `constructor` is only data here.
  const labels: Record<string, string> = Object.create(null);
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (i >= line.length) return null;
      if (line[i] === '}') {
        i++;
        break;
      }
      const eq = line.indexOf('=', i);
      if (eq === -1 || line[eq + 1] !== '"') return null;
      const label = line.slice(i, eq).trim();
      let value = '';
      let j = eq + 2;
      let from = j;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] !== '\\') continue;
        // Escapes of both formats: \\, \" and \n.
        value += line.slice(from, j) + (line[j + 1] === 'n' ? '\n' : (line[j + 1] ?? ''));
        j++;
        from = j + 1;
      }
      if (j >= line.length) return null;
      labels[label] = value + line.slice(from, j);
      i = j + 1;
    }
  }
  const key = line.slice(0, i);
  while (line[i] === ' ' || line[i] === '\t') i++;
  let end = i;
  while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end++;
  const value = parseNumber(line.slice(i, end));
  return Number.isNaN(value) && line.slice(i, end) !== 'NaN' ? null : { name, labels, value, key };
}

/** A sample value: a float, `NaN`, `+Inf`, `-Inf` (OpenMetrics also writes `Inf`). */
export function parseNumber(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === '' || text === 'NaN') return Number.NaN;
  return Number(text);
}
