import type { Lens, MetricId } from '@inferlens/core';

type Labels = Record<string, string>;

/** Series of a family whose labels include every pair of `match`, with their label objects. */
export function seriesOf(lens: Lens, id: MetricId, match: Labels = {}) {
  const family = lens.store.family(id);
  const out: { labels: Labels; value: number; sum: number; count: number }[] = [];
  for (const s of family.all()) {
    const labels: Labels = {};
    family.labelNames.forEach((n, i) => {
      labels[n] = s.labelValues[i] ?? '';
    });
    if (Object.entries(match).some(([k, v]) => labels[k] !== v)) continue;
    // Histograms and summaries both keep a count and a sum.
    const h = 'count' in s ? s : undefined;
    out.push({
      labels,
      value: h !== undefined ? h.count : (s as { value: number }).value,
      sum: h?.sum ?? 0,
      count: h?.count ?? 0,
    });
  }
  return out;
}

/** Sum of counter/gauge values (or histogram counts) over the matching series. */
export function total(lens: Lens, id: MetricId, match: Labels = {}): number {
  return seriesOf(lens, id, match).reduce((a, s) => a + s.value, 0);
}

/** Count and sum of the matching histogram series together. */
export function histogram(
  lens: Lens,
  id: MetricId,
  match: Labels = {},
): { count: number; sum: number } {
  const all = seriesOf(lens, id, match);
  return { count: all.reduce((a, s) => a + s.count, 0), sum: all.reduce((a, s) => a + s.sum, 0) };
}

/** Waits until `cond()` holds (polling), or fails after `ms`. */
export async function waitFor(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The matching series as rows of the named label values, for compact assertions. */
export function rows(lens: Lens, id: MetricId, names: string[], match: Labels = {}): string[][] {
  return seriesOf(lens, id, match).map((s) => names.map((n) => s.labels[n] ?? ''));
}
