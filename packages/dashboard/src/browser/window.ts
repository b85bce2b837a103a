import type { Sample } from './parse.js';

/** A scrape: its samples and when it was taken (seconds on any monotonic clock). */
export interface Scrape {
  at: number;
  samples: Sample[];
}

/** What changed between two scrapes: counter increases, gauge values, and the seconds between. */
export interface Step {
  seconds: number;
  increases: Sample[];
}

/**
 * The increase of every cumulative sample (counters, histogram buckets, sums and counts) from
 * `prev` to `cur`, as Prometheus's `increase()` sees it: a value lower than before means the
 * process restarted, so the whole new value is the increase; a series absent before was created
 * since, so its whole value is too (the store never deletes a series).
 *
 * @example
 * stepBetween(previous, current, new Set(['http_requests_total'])).increases;
 */
export function stepBetween(prev: Scrape, cur: Scrape, cumulative: ReadonlySet<string>): Step {
  const before = new Map<string, number>();
  for (const s of prev.samples) if (cumulative.has(s.name)) before.set(s.key, s.value);
  const increases: Sample[] = [];
  for (const s of cur.samples) {
    if (!cumulative.has(s.name)) continue;
    const was = before.get(s.key);
    const increase = was === undefined || s.value < was ? s.value : s.value - was;
    increases.push({ name: s.name, labels: s.labels, value: increase, key: s.key });
  }
  return { seconds: cur.at - prev.at, increases };
}

/**
 * Drops the oldest steps while the rest still cover `seconds`, then adds the rest up into one
 * window: increases summed per series, and the seconds they cover. Rates over a few scrapes read
 * steadier than over one 2 s step. Undefined before the second scrape (no step yet).
 *
 * @example
 * const window = windowOf(steps, 10); // steps now holds only those the window uses
 */
export function windowOf(steps: Step[], seconds: number): Step | undefined {
  let covered = 0;
  for (const step of steps) covered += step.seconds;
  while (steps.length > 1 && covered - (steps[0] as Step).seconds >= seconds)
    covered -= (steps.shift() as Step).seconds;
  if (steps.length === 0) return undefined;
  const byKey = new Map<string, Sample>();
  for (const step of steps)
    for (const s of step.increases) {
      const have = byKey.get(s.key);
      if (have === undefined) byKey.set(s.key, { ...s });
      else have.value += s.value;
    }
  return { seconds: covered, increases: [...byKey.values()] };
}
