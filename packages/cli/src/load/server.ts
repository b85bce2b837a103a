import type { MetricId } from '@inferlens/core';
import { histogramDelta, quantileOf } from '@inferlens/engine-source/internal';
import { type MetricFamily, parse, parseNumber } from '@inferlens/prom-parse';
import { identify } from '../engine.js';
import { presentName, STANDARD } from '../standard.js';

type Histogram = NonNullable<Parameters<typeof quantileOf>[1]>;

/** What one `/metrics` scrape says, summed over every series (all models, ranks, reasons). */
export interface ServerView {
  engine: string;
  counters: Partial<Record<MetricId, number>>;
  /** Finished requests by finish reason, where the engine labels them. */
  reasons: Record<string, number>;
  histograms: Partial<Record<MetricId, Histogram>>;
}

const COUNTERS: MetricId[] = [
  'requests',
  'promptTokens',
  'generationTokens',
  'promptTokensCached',
  'prefixCacheHits',
  'prefixCacheQueries',
];
const HISTOGRAMS: MetricId[] = ['timeToFirstToken', 'interTokenLatency', 'e2eRequestLatency'];

/** Reads the standard counters and histograms out of a scrape, by the engine's own names. */
export function readServer(text: string): ServerView {
  const { families } = parse(text, { maxErrors: 0 });
  const verdict = identify(families);
  const view: ServerView = {
    engine: verdict.description,
    counters: {},
    reasons: {},
    histograms: {},
  };
  if (verdict.engine === 'unknown') return view;
  const samples = families.flatMap((f) => f.samples);
  const names = new Set(samples.map((s) => s.name));
  const sum = (name: string, by?: string) => {
    let total = 0;
    for (const s of samples)
      if ((s.name === name || s.name === `${name}_total`) && Number.isFinite(s.value)) {
        total += s.value;
        const reason = by && s.labels[by];
        if (reason) view.reasons[reason] = (view.reasons[reason] ?? 0) + s.value;
      }
    return total;
  };
  for (const row of STANDARD[verdict.engine]) {
    const name = presentName(row, names);
    if (name === undefined) continue;
    if (COUNTERS.includes(row.id) && view.counters[row.id] === undefined)
      view.counters[row.id] = sum(
        name,
        row.id === 'requests' ? reasonLabel(families, name) : undefined,
      );
    if (HISTOGRAMS.includes(row.id) && view.histograms[row.id] === undefined) {
      const h = histogramOf(families, name);
      if (h) view.histograms[row.id] = h;
    }
  }
  return view;
}

/** The label that says why a request ended (`finish_reason` ours, `finished_reason` vLLM's). */
function reasonLabel(families: readonly MetricFamily[], name: string): string | undefined {
  const f = families.find((x) => x.name === name || x.samples.some((s) => s.name === name));
  const s = f?.samples[0];
  if (!s) return undefined;
  return ['finish_reason', 'finished_reason'].find((l) => s.labels[l] !== undefined);
}

/** One histogram over all series of a family: buckets added up by `le`. */
function histogramOf(families: readonly MetricFamily[], name: string): Histogram | undefined {
  const byLe = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (const f of families)
    for (const s of f.samples) {
      if (s.name === `${name}_bucket` && s.labels.le !== undefined) {
        const le = parseNumber(s.labels.le) ?? Number.NaN;
        byLe.set(le, (byLe.get(le) ?? 0) + s.value);
      } else if (s.name === `${name}_sum`) sum += s.value;
      else if (s.name === `${name}_count`) count += s.value;
    }
  if (!byLe.has(Number.POSITIVE_INFINITY)) return undefined;
  const les = [...byLe.keys()].sort((a, b) => a - b);
  return {
    bounds: les.filter((le) => le !== Number.POSITIVE_INFINITY),
    cumulative: les.map((le) => byLe.get(le)!),
    sum,
    count,
  };
}

/** What moved between two views: counter deltas and histogram deltas' quantiles. */
export function moved(before: ServerView, after: ServerView) {
  const counters: Partial<Record<MetricId, number>> = {};
  for (const id of COUNTERS) {
    const a = after.counters[id];
    const b = before.counters[id];
    if (a !== undefined) counters[id] = a - (b ?? 0);
  }
  const reasons: Record<string, number> = {};
  for (const [r, v] of Object.entries(after.reasons)) {
    const d = v - (before.reasons[r] ?? 0);
    if (d) reasons[r] = d;
  }
  const quantiles: Partial<
    Record<MetricId, { p50?: number; p90?: number; p99?: number; mean?: number; count: number }>
  > = {};
  for (const id of HISTOGRAMS) {
    const a = after.histograms[id];
    const b = before.histograms[id];
    const d = a && (b ? histogramDelta(a, b) : a);
    if (!d || d.count <= 0) continue;
    quantiles[id] = {
      p50: quantileOf(0.5, d),
      p90: quantileOf(0.9, d),
      p99: quantileOf(0.99, d),
      mean: d.sum === undefined ? undefined : d.sum / d.count,
      count: d.count,
    };
  }
  return { counters, reasons, quantiles };
}

export type Moved = ReturnType<typeof moved>;
