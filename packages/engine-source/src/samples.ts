import { type Labels, type ParseResult, parseNumber, type Sample } from '@inferlens/prom-parse';
import { addDrop, type Drops } from './drops.js';
import type { MirroredHistogram } from './snapshot.js';

/** A histogram series of the scrape: its labels without `le`, and the engine's own buckets. */
export interface ScrapedHistogram {
  labels: Labels;
  histogram: MirroredHistogram;
}

/**
 * The samples of one scrape by sample name. Adapters look samples up by their exposed names
 * (`x_total`, `x_bucket`), which are the same in both formats and whether or not the engine wrote
 * HELP and TYPE lines.
 */
export class SampleIndex {
  readonly #byName = new Map<string, Sample[]>();
  readonly #incomplete = new Set<string>();
  /** What reading this scrape skipped so far, by reason (histograms with no total). */
  readonly drops: Drops = {};

  constructor(parsed: ParseResult) {
    for (const f of parsed.families)
      for (const s of f.samples) {
        const list = this.#byName.get(s.name);
        if (list) list.push(s);
        else this.#byName.set(s.name, [s]);
      }
  }

  /** Samples named exactly `name` (none when the engine has not created the series yet). */
  get(name: string): readonly Sample[] {
    return this.#byName.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** How many distinct sample names the scrape has. */
  get size(): number {
    return this.#byName.size;
  }

  /** Every sample name of the scrape (to tell which engine wrote it). */
  names(): IterableIterator<string> {
    return this.#byName.keys();
  }

  /**
   * The histogram series of family `base`, grouped by their labels without `le`, buckets sorted
   * by numeric bound (so float noise such as `0.00015000000000000001` is kept as the engine wrote
   * it). A series without a `+Inf` bucket gets one from `_count`; one without `_count` from +Inf;
   * one with neither is left out and counted as `histogram_incomplete` (once per scrape).
   */
  histograms(base: string): ScrapedHistogram[] {
    const groups = new Map<string, { labels: Labels; buckets: [number, number][] }>();
    for (const s of this.get(`${base}_bucket`)) {
      const le = parseNumber(s.labels.le ?? '');
      if (le === undefined || Number.isNaN(le)) continue;
      const labels = withoutLe(s.labels);
      const key = keyOf(labels);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { labels, buckets: [] }));
      g.buckets.push([le, s.value]);
    }
    const sums = byKey(this.get(`${base}_sum`));
    const counts = byKey(this.get(`${base}_count`));
    const out: ScrapedHistogram[] = [];
    for (const [key, g] of groups) {
      g.buckets.sort((a, b) => a[0] - b[0]);
      const bounds: number[] = [];
      const cumulative: number[] = [];
      for (const [le, v] of g.buckets) {
        if (le === Number.POSITIVE_INFINITY) continue;
        if (bounds.length && bounds[bounds.length - 1] === le) continue; // a duplicated bucket
        bounds.push(le);
        cumulative.push(v);
      }
      const inf = g.buckets.find(([le]) => le === Number.POSITIVE_INFINITY)?.[1];
      const count = counts.get(key) ?? inf;
      if (count === undefined) {
        const id = `${base}\u0003${key}`;
        if (!this.#incomplete.has(id)) addDrop(this.drops, 'histogram_incomplete');
        this.#incomplete.add(id);
        continue;
      }
      cumulative.push(inf ?? count);
      out.push({ labels: g.labels, histogram: { bounds, cumulative, sum: sums.get(key), count } });
    }
    return out;
  }
}

function withoutLe(labels: Labels): Labels {
  const out: Labels = {};
  for (const k in labels) if (k !== 'le') out[k] = labels[k]!;
  return out;
}

/** A stable key for a label set, whatever order the engine wrote the labels in. */
export function keyOf(labels: Labels): string {
  return Object.keys(labels)
    .filter((k) => k !== 'le')
    .sort()
    .map((k) => `${k}\u0002${labels[k]}`)
    .join('\u0001');
}

function byKey(samples: readonly Sample[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of samples) m.set(keyOf(s.labels), s.value);
  return m;
}
