import { Cursor, LineError, newLabels, parseNumber, unescapeText } from './lexer.js';
import type {
  Exemplar,
  MetricFamily,
  MetricType,
  ParseOptions,
  ParseResult,
  Sample,
  Text,
} from './types.js';

const TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'gaugehistogram',
  summary: 'summary',
  info: 'info',
  stateset: 'stateset',
  unknown: 'unknown',
  untyped: 'unknown',
};

/** Sample-name suffixes each family type owns (OpenMetrics §4; 0.0.4 writes the same suffixes). */
const SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
  gauge: [],
  stateset: [],
  unknown: [],
};
const ALL_SUFFIXES = [
  '_total',
  '_created',
  '_bucket',
  '_sum',
  '_count',
  '_gsum',
  '_gcount',
  '_info',
];

/**
 * Parses the Prometheus text format 0.0.4 or OpenMetrics 1.0 into families of samples.
 *
 * Written here rather than taken from npm: the maintained choice, `parse-prometheus-text-format`
 * 1.1.1, drops the labels of histogram series (so per-model or per-method buckets collapse), does
 * not read OpenMetrics exemplars or `# EOF`, and is 3–5× slower on a 100 KB scrape (`pnpm bench`).
 *
 * Never throws on bad input: a malformed line is skipped and reported in `errors` with its line
 * number, as a scraper needs to decide for itself whether a partly bad scrape is usable. Work is
 * linear in the input on every input (each character is examined a bounded number of times;
 * `test/linear.test.ts` counts it).
 *
 * @example
 * const { families, errors } = parse('# TYPE up gauge\nup{job="vllm"} 1\n');
 * families[0].samples[0] // { name: 'up', labels: { job: 'vllm' }, value: 1, … }
 */
export function parse(text: string | Text, options: ParseOptions = {}): ParseResult {
  const maxErrors = options.maxErrors ?? 100;
  const s = text as Text;
  const n = s.length;
  const cur = new Cursor(s);
  const families: MetricFamily[] = [];
  const byName = new Map<string, MetricFamily>();
  const typed = new Set<MetricFamily>();
  const result: ParseResult = { families, errors: [], errorCount: 0, eof: false };
  let current: MetricFamily | undefined;
  let line = 0;
  let pos = 0;

  const family = (name: string): MetricFamily => {
    let f = byName.get(name);
    if (f === undefined) {
      f = { name, type: 'unknown', help: undefined, unit: undefined, samples: [] };
      byName.set(name, f);
      families.push(f);
    }
    return f;
  };

  // Which family a sample belongs to: the current one when the name fits its type's suffixes,
  // else a family declared earlier under the stripped name, else a new untyped family.
  const owner = (name: string): MetricFamily => {
    if (current !== undefined && fits(current, name)) return current;
    const exact = byName.get(name);
    if (exact !== undefined) return exact;
    for (const suffix of ALL_SUFFIXES) {
      if (!name.endsWith(suffix)) continue;
      const f = byName.get(name.slice(0, -suffix.length));
      if (f !== undefined && fits(f, name)) return f;
    }
    return family(name);
  };

  while (pos <= n) {
    let end = s.indexOf('\n', pos);
    if (end < 0) end = n;
    line++;
    let e = end;
    if (e > pos && s.charCodeAt(e - 1) === 13) e--;
    cur.pos = pos;
    cur.start = pos;
    cur.end = e;
    pos = end + 1;
    cur.skipBlanks();
    const first = cur.peek();
    if (first === -1) continue;
    try {
      if (result.eof) throw new LineError('content after # EOF');
      if (first === 35) {
        cur.pos++;
        cur.skipBlanks();
        const keyword = cur.token();
        if (keyword === 'EOF') {
          result.eof = true;
          continue;
        }
        if (keyword !== 'HELP' && keyword !== 'TYPE' && keyword !== 'UNIT') continue; // a comment
        cur.skipBlanks();
        const f = family(cur.name(true));
        cur.skipBlanks();
        current = f;
        if (keyword === 'HELP') {
          if (f.help !== undefined) throw new LineError(`second HELP for ${f.name}`);
          f.help = unescapeText(cur.rest());
        } else if (keyword === 'UNIT') f.unit = cur.rest();
        else {
          const t = TYPES[cur.token()];
          if (t === undefined) throw new LineError(`unknown TYPE for ${f.name}`);
          if (typed.has(f)) throw new LineError(`second TYPE for ${f.name}`);
          typed.add(f);
          f.type = t;
        }
        continue;
      }
      const sample = readSample(cur);
      const f = owner(sample.name);
      f.samples.push(sample);
      current = f;
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      result.errorCount++;
      if (result.errors.length < maxErrors) result.errors.push({ line, message: error.message });
    }
  }
  return result;
}

function fits(f: MetricFamily, name: string): boolean {
  const base = f.name;
  if (name === base) return true;
  if (name.length <= base.length || !name.startsWith(base)) return false;
  return SUFFIXES[f.type].includes(name.slice(base.length));
}

function readSample(cur: Cursor): Sample {
  const labels = newLabels();
  let name: string | undefined;
  if (cur.peek() !== 123) name = cur.name(true);
  cur.skipBlanks();
  if (cur.peek() === 123) {
    const quotedName = cur.labels(labels);
    if (quotedName !== undefined) {
      if (name !== undefined) throw new LineError('metric name given twice');
      name = quotedName;
    }
  }
  if (name === undefined) throw new LineError('sample without a metric name');
  cur.skipBlanks();
  const value = parseNumber(cur.token());
  if (value === undefined) throw new LineError(`bad value for ${name}`);
  cur.skipBlanks();
  let timestamp: number | undefined;
  let exemplar: Exemplar | undefined;
  if (cur.peek() !== 35 && cur.peek() !== -1) {
    timestamp = parseNumber(cur.token());
    if (timestamp === undefined || !Number.isFinite(timestamp))
      throw new LineError(`bad timestamp for ${name}`);
    cur.skipBlanks();
  }
  if (cur.peek() === 35) {
    cur.pos++;
    cur.skipBlanks();
    exemplar = readExemplar(cur);
  }
  if (cur.peek() !== -1) throw new LineError(`unexpected text after the value of ${name}`);
  return { name, labels, value, timestamp, exemplar };
}

function readExemplar(cur: Cursor): Exemplar {
  const labels = newLabels();
  if (cur.labels(labels) !== undefined) throw new LineError('metric name in an exemplar');
  cur.skipBlanks();
  const value = parseNumber(cur.token());
  if (value === undefined) throw new LineError('bad exemplar value');
  cur.skipBlanks();
  let timestamp: number | undefined;
  if (cur.peek() !== -1) {
    timestamp = parseNumber(cur.token());
    if (timestamp === undefined) throw new LineError('bad exemplar timestamp');
    cur.skipBlanks();
  }
  return { labels, value, timestamp };
}
