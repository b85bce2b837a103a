/** Metric types of both formats; the 0.0.4 `untyped` is reported as OpenMetrics' `unknown`. */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

/** Label names to values, unescaped. A label named `__proto__` is an own property, never the prototype. */
export type Labels = Record<string, string>;

/** An OpenMetrics exemplar: `# {trace_id="…"} 0.67 1700000000.123` after a sample. */
export interface Exemplar {
  labels: Labels;
  value: number;
  timestamp: number | undefined;
}

/**
 * One sample line: name, labels, value, and the optional timestamp and exemplar.
 *
 * @example
 * parse('up{job="x"} 1\n').families[0]?.samples[0]?.value; // 1
 */
export interface Sample {
  /** The sample's own name: `x_bucket`, `x_total`, `x_created`, … */
  name: string;
  labels: Labels;
  /** NaN, +Inf and -Inf come back as the JavaScript values. */
  value: number;
  /** As written: milliseconds in the 0.0.4 format, seconds in OpenMetrics. */
  timestamp: number | undefined;
  exemplar: Exemplar | undefined;
}

/**
 * One metric family: its name, TYPE, HELP, UNIT and samples, in exposition order.
 *
 * @example
 * for (const f of parse(text).families) console.log(f.name, f.type, f.samples.length);
 */
export interface MetricFamily {
  name: string;
  /** `unknown` when no TYPE line names the family. */
  type: MetricType;
  help: string | undefined;
  unit: string | undefined;
  samples: Sample[];
}

/**
 * A line that did not parse, by number, and why.
 *
 * @example
 * parse('up{ 1\n').errors[0]; // { line: 1, message: '…' }
 */
export interface ParseError {
  /** 1-based line number. */
  line: number;
  message: string;
}

/**
 * What {@link parse} returns: the families, the lines it skipped, and whether `# EOF` ended it.
 *
 * @example
 * const { families, errors, eof } = parse(text);
 */
export interface ParseResult {
  families: MetricFamily[];
  /** The first `maxErrors` malformed lines; each was skipped and parsing went on. */
  errors: ParseError[];
  /** Every malformed line, including those past `maxErrors`. */
  errorCount: number;
  /** True when the text ended with OpenMetrics' `# EOF`. */
  eof: boolean;
}

/**
 * Options of {@link parse}.
 *
 * @example
 * parse(text, { maxErrors: 10 });
 */
export interface ParseOptions {
  /** Malformed lines kept in `errors` (default 100); the rest are only counted. */
  maxErrors?: number;
}

/**
 * The only string operations the parser performs on its input. Typed as an interface so a test
 * can hand in a counting wrapper and prove the parser does linear work on any input.
 */
export interface Text {
  readonly length: number;
  charCodeAt(index: number): number;
  indexOf(search: string, position?: number): number;
  slice(start: number, end: number): string;
}
