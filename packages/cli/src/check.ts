import { schema } from '@inferlens/core/internal';
import { type MetricFamily, parse } from '@inferlens/prom-parse';
import { type EngineVerdict, identify } from './engine.js';
import { counterResets, type Finding, formatProblems } from './format.js';
import { groupLint, lint, promtoolLint } from './lint.js';
import { type Scrape, type ScrapeOptions, scrape } from './scrape.js';
import { samplesOf, some, valuesByKey } from './series.js';
import { MISSING_MEANS, presentName, STANDARD, standardName } from './standard.js';

export interface CheckOptions extends ScrapeOptions {
  /** Seconds between the two scrapes; 0 takes one. */
  interval: number;
  /** More series than this is a problem (and the most any report lists is bounded anyway). */
  maxSeries: number;
  /** Skip promtool even when it is on PATH. */
  promtool: boolean;
}

export interface TargetReport {
  url: string;
  /** Why the target could not be read (a connection error: exit 2). */
  error?: string;
  engine?: EngineVerdict;
  scrape?: {
    seconds: number;
    bytes: number;
    format: string;
    families: number;
    series: number;
    secondScrapeSeconds?: number;
  };
  standard?: {
    present: { id: string; name: string; standard: string }[];
    missing: { id: string; standard: string; means: string | undefined }[];
  };
  findings: Finding[];
  lint?: { by: 'promtool' | 'built-in'; groups: { message: string; metrics: string[] }[] };
  cardinality?: {
    families: { name: string; series: number }[];
    labels: { family: string; label: string; values: number }[];
  };
  /** How many series changed value between the two scrapes. */
  movement?: { changed: number; compared: number; intervalSeconds: number };
}

/** Scrapes `url` (twice, `interval` apart) and tells what it is, what it lacks and what is wrong. */
export async function checkTarget(url: string, options: CheckOptions): Promise<TargetReport> {
  const first = await scrape(url, options);
  if (!first.ok) return { url, error: `${first.reason}: ${first.message}`, findings: [] };
  let second: Scrape | undefined;
  if (options.interval > 0) {
    await new Promise((r) => setTimeout(r, options.interval * 1000));
    second = await scrape(url, options);
  }
  const parsed = parse(first.text, { maxErrors: 20 });
  const families = parsed.families;
  const series = families.reduce((n, f) => n + f.samples.length, 0);
  const report: TargetReport = {
    url,
    engine: identify(families),
    scrape: {
      seconds: first.seconds,
      bytes: first.bytes,
      format:
        parsed.eof || /openmetrics/i.test(first.contentType)
          ? 'OpenMetrics'
          : 'Prometheus text 0.0.4',
      families: families.length,
      series,
      ...(second?.ok ? { secondScrapeSeconds: second.seconds } : {}),
    },
    findings: formatProblems(parsed),
    cardinality: cardinality(families),
  };
  report.findings.push(...contentTypeFindings(first.contentType, parsed.eof));
  if (series === 0)
    report.findings.push({
      level: 'warning',
      message:
        'no series at all: an exporter that creates series on first use (TGI does) has served no request yet',
    });
  if (series > options.maxSeries)
    report.findings.push({
      level: 'problem',
      message: `${series} series, over --max-series ${options.maxSeries}: a label with unbounded values (request or user ids?) — see the largest label cardinalities`,
    });
  if (first.seconds > 1)
    report.findings.push({
      level: 'warning',
      message: `the scrape took ${first.seconds.toFixed(2)} s: keep scrape_timeout above it`,
    });
  if (second && !second.ok)
    report.findings.push({
      level: 'problem',
      message: `the second scrape failed: ${second.reason}: ${second.message}`,
    });
  if (second?.ok) {
    const later = parse(second.text, { maxErrors: 0 }).families;
    report.findings.push(...counterResets(families, later));
    report.movement = movement(families, later, options.interval);
  }
  report.findings.push(...upstreamProblems(families));
  if (report.engine?.engine !== 'unknown' && report.engine !== undefined) {
    const names = new Set(families.flatMap((f) => f.samples.map((s) => s.name)));
    const rows = STANDARD[report.engine.engine];
    report.standard = { present: [], missing: [] };
    for (const row of rows) {
      const name = presentName(row, names);
      const standard = standardName(row.id);
      if (name) report.standard.present.push({ id: row.id, name, standard });
      else if (!report.standard.missing.some((m) => m.id === row.id))
        report.standard.missing.push({ id: row.id, standard, means: MISSING_MEANS[row.id] });
    }
    report.standard.missing = report.standard.missing.filter(
      (m) => !report.standard!.present.some((p) => p.id === m.id),
    );
  }
  const byPromtool = options.promtool
    ? await promtoolLint(await textFormat(url, first, options))
    : undefined;
  report.lint = {
    by: byPromtool ? 'promtool' : 'built-in',
    groups: groupLint(byPromtool ?? lint(families)),
  };
  return report;
}

/** The ten families with the most series, and the ten labels with the most distinct values. */
function cardinality(families: readonly MetricFamily[]): NonNullable<TargetReport['cardinality']> {
  const labelValues = new Map<string, Set<string>>();
  for (const [f, s] of samplesOf(families))
    for (const [label, value] of Object.entries(s.labels)) {
      if (label === 'le' || label === 'quantile') continue;
      const key = `${f.name}\u0000${label}`;
      let set = labelValues.get(key);
      if (!set) labelValues.set(key, (set = new Set()));
      if (set.size <= 100_000) set.add(value);
    }
  return {
    families: families
      .map((f) => ({ name: f.name, series: f.samples.length }))
      .sort((a, b) => b.series - a.series)
      .slice(0, 10),
    labels: [...labelValues]
      .map(([key, set]) => {
        const [family, label] = key.split('\u0000') as [string, string];
        return { family, label, values: set.size };
      })
      .sort((a, b) => b.values - a.values)
      .slice(0, 10),
  };
}

function movement(
  before: readonly MetricFamily[],
  after: readonly MetricFamily[],
  interval: number,
) {
  const earlier = valuesByKey(before);
  let changed = 0;
  let compared = 0;
  for (const [key, value] of valuesByKey(after)) {
    const was = earlier.get(key);
    if (was === undefined) continue;
    compared++;
    if (was !== value && !(Number.isNaN(was) && Number.isNaN(value))) changed++;
  }
  return { changed, compared, intervalSeconds: interval };
}

/** A gateway's own view of its engines: targets it cannot scrape, or whose series are old. */
function upstreamProblems(families: readonly MetricFamily[]): Finding[] {
  const down: string[] = [];
  const stale: string[] = [];
  for (const [f, s] of samplesOf(families)) {
    const who = `${s.labels.target ?? '?'} (${s.labels.engine ?? '?'})`;
    if (f.name === schema.sourceUp.prometheus && s.value === 0) down.push(who);
    if (f.name === schema.sourceStale.prometheus && s.value === 1) stale.push(who);
  }
  const out: Finding[] = [];
  if (down.length)
    out.push({
      level: 'problem',
      message: `the gateway cannot scrape ${down.length} engine(s): ${some(down)}`,
    });
  if (stale.length)
    out.push({
      level: 'problem',
      message: `the gateway serves old series of ${stale.length} engine(s): ${some(stale)}`,
    });
  return out;
}

/**
 * The body in the 0.0.4 text format, for promtool: it reads no OpenMetrics (it takes a counter's
 * `# HELP x` as no help for `x_total`), while Prometheus itself asks for OpenMetrics first.
 */
async function textFormat(
  url: string,
  first: Scrape & { ok: true },
  options: CheckOptions,
): Promise<string> {
  if (!/openmetrics/i.test(first.contentType)) return first.text;
  const again = await scrape(url, { ...options, accept: 'text/plain;version=0.0.4' });
  return again.ok ? again.text : first.text;
}

/**
 * What the Content-Type does to Prometheus: OpenMetrics without `# EOF` fails the scrape, and since
 * Prometheus 3.0 a type it does not know fails it unless `fallback_scrape_protocol` is set.
 */
function contentTypeFindings(contentType: string, eof: boolean): Finding[] {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/openmetrics-text' && !eof)
    return [
      {
        level: 'problem',
        message: 'OpenMetrics without the closing "# EOF": Prometheus rejects the scrape',
      },
    ];
  if (type !== 'text/plain' && type !== 'application/openmetrics-text')
    return [
      {
        level: 'warning',
        message: `Content-Type "${contentType || 'none'}": Prometheus 3 refuses it unless the scrape job sets fallback_scrape_protocol`,
      },
    ];
  return [];
}
