import type { Lens, Series } from '@inferlens/core';
import { histogramQuantile, sumCounts } from '@inferlens/testkit';

/** What the summary needs from the store at one instant, summed over every model. */
export interface Snapshot {
  at: number;
  requests: number;
  generationTokens: number;
  ttftCounts: Float64Array;
  ttftBounds: Float64Array;
  running: number;
  waiting: number;
  kvCacheUsage: number;
  preemptions: number;
}

type ScalarId =
  | 'requests'
  | 'generationTokens'
  | 'requestsRunning'
  | 'requestsWaiting'
  | 'preemptions';

/** Reads the lens's store: counters and gauges are summed over series, TTFT buckets merged. */
export function snapshot(lens: Lens, at: number): Snapshot {
  const store = lens.store;
  const total = (id: ScalarId) => {
    let sum = 0;
    for (const s of store.family(id).all() as Iterable<Series>)
      if (s.kind === 'counter' || s.kind === 'gauge') sum += s.value;
    return sum;
  };
  const ttft = store.family('timeToFirstToken');
  const ttftCounts = new Float64Array(ttft.bounds.length + 1);
  for (const s of ttft.all()) sumCounts(ttftCounts, s.counts);
  let kvCacheUsage = 0;
  for (const s of store.family('kvCacheUsage').all())
    kvCacheUsage = Math.max(kvCacheUsage, s.value);
  return {
    at,
    requests: total('requests'),
    generationTokens: total('generationTokens'),
    ttftCounts,
    ttftBounds: ttft.bounds,
    running: total('requestsRunning'),
    waiting: total('requestsWaiting'),
    kvCacheUsage,
    preemptions: total('preemptions'),
  };
}

/**
 * One line about the interval between two snapshots: rates from counter deltas, TTFT quantiles
 * estimated from the bucket deltas (what `histogram_quantile(rate(...))` would show), gauges now.
 *
 * @example
 * summaryLine(before, after) // 'req/s 3.5 | TTFT p50 41 ms p95 180 ms | tok/s 1210 | KV 37% | running 9 waiting 2 | preempted 0'
 */
export function summaryLine(before: Snapshot, after: Snapshot): string {
  const seconds = Math.max((after.at - before.at) / 1000, 1e-9);
  const window = after.ttftCounts.map((c, i) => c - (before.ttftCounts[i] ?? 0));
  const ms = (q: number) => {
    const v = histogramQuantile(q, after.ttftBounds, window);
    return Number.isNaN(v) ? '-' : `${Math.round(v * 1000)} ms`;
  };
  return [
    `req/s ${((after.requests - before.requests) / seconds).toFixed(1)}`,
    `TTFT p50 ${ms(0.5)} p95 ${ms(0.95)}`,
    `tok/s ${Math.round((after.generationTokens - before.generationTokens) / seconds)}`,
    `KV ${(after.kvCacheUsage * 100).toFixed(0)}%`,
    `running ${after.running} waiting ${after.waiting}`,
    `preempted ${after.preemptions - before.preemptions}`,
  ].join(' | ');
}

/** Prints {@link summaryLine} every `everyMs`; the timer never keeps the process alive. */
export function startSummary(
  lens: Lens,
  print: (line: string) => void,
  everyMs = 2000,
): () => void {
  let last = snapshot(lens, performance.now());
  const timer = setInterval(() => {
    const next = snapshot(lens, performance.now());
    print(summaryLine(last, next));
    last = next;
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
