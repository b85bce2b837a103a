import { type MetricFamily, type ParseResult, parseNumber } from '@inferlens/prom-parse';
import { monotonic, samplesOf, seriesKey, some } from './series.js';

/** A finding of `check`: a problem fails the run (exit 1); a warning is for the reader. */
export interface Finding {
  level: 'problem' | 'warning';
  message: string;
}

/**
 * What would break or mislead Prometheus and the dashboards: malformed lines, NaN values,
 * histograms without `+Inf` or with buckets that go down, `_count` unlike the `+Inf` bucket, and
 * series written twice. Examples are capped so a hostile scrape cannot flood the report.
 */
export function formatProblems(parsed: ParseResult): Finding[] {
  const out: Finding[] = [];
  if (parsed.errorCount > 0)
    out.push({
      level: 'problem',
      message: `${parsed.errorCount} malformed line(s) Prometheus would reject the whole scrape for: ${some(parsed.errors.map((e) => `line ${e.line}: ${e.message}`))}`,
    });
  const nan = new Map<string, number>();
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const [f, s] of samplesOf(parsed.families)) {
    if (Number.isNaN(s.value)) nan.set(f.name, (nan.get(f.name) ?? 0) + 1);
    const key = seriesKey(s.name, s.labels);
    if (seen.has(key)) duplicates.push(key);
    else seen.add(key);
  }
  for (const [family, n] of nan)
    out.push({
      level: 'problem',
      message: `${family}: ${n} NaN value(s); rate() and histogram_quantile() turn them into NaN on every panel`,
    });
  if (duplicates.length)
    out.push({
      level: 'problem',
      message: `${duplicates.length} duplicate series (Prometheus drops the scrape: "duplicate sample for timestamp"): ${some(duplicates)}`,
    });
  for (const f of parsed.families) if (f.type === 'histogram') out.push(...histogramProblems(f));
  return out;
}

function histogramProblems(f: MetricFamily): Finding[] {
  const groups = new Map<string, { le: number; value: number }[]>();
  const counts = new Map<string, number>();
  for (const s of f.samples) {
    const key = seriesKey(f.name, s.labels, 'le');
    if (s.name.endsWith('_bucket')) {
      const le = parseNumber(s.labels.le ?? '') ?? Number.NaN;
      groups.set(key, [...(groups.get(key) ?? []), { le, value: s.value }]);
    } else if (s.name.endsWith('_count')) counts.set(key, s.value);
  }
  const noInf: string[] = [];
  const down: string[] = [];
  const countOff: string[] = [];
  for (const [key, buckets] of groups) {
    buckets.sort((a, b) => a.le - b.le);
    const last = buckets[buckets.length - 1];
    if (last === undefined || last.le !== Number.POSITIVE_INFINITY) noInf.push(key);
    if (buckets.some((b, i) => i > 0 && b.value < buckets[i - 1]!.value)) down.push(key);
    const count = counts.get(key);
    if (last?.le === Number.POSITIVE_INFINITY && count !== undefined && count !== last.value)
      countOff.push(`${key} (_count ${count}, +Inf ${last.value})`);
  }
  const out: Finding[] = [];
  if (noInf.length)
    out.push({
      level: 'problem',
      message: `${f.name}: ${noInf.length} histogram series without a +Inf bucket; histogram_quantile() returns NaN for them: ${some(noInf, 2)}`,
    });
  if (down.length)
    out.push({
      level: 'problem',
      message: `${f.name}: bucket counts go down as le grows (they must be cumulative): ${some(down, 2)}`,
    });
  if (countOff.length)
    out.push({
      level: 'problem',
      message: `${f.name}: _count differs from the +Inf bucket: ${some(countOff, 2)}`,
    });
  return out;
}

/** Counters (and histogram counts) lower in the later scrape: a restart or a broken exporter. */
export function counterResets(
  before: readonly MetricFamily[],
  after: readonly MetricFamily[],
): Finding[] {
  const earlier = monotonic(before);
  const went: string[] = [];
  for (const [key, value] of monotonic(after)) {
    const was = earlier.get(key);
    if (was !== undefined && value < was) went.push(`${key} ${was} → ${value}`);
  }
  if (went.length === 0) return [];
  return [
    {
      level: 'problem',
      message: `${went.length} counter(s) went down between the two scrapes (a restart, several processes behind one port, or a broken exporter): ${some(went, 2)}`,
    },
  ];
}
