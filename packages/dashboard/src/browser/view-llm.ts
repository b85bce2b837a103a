import type { DashboardNames } from '../names.js';
import type { Sample } from './parse.js';
import type { Histograms } from './quantile.js';
import type { Step } from './window.js';

export interface ModelRow {
  model: string;
  running: number;
  waiting: number;
  /** The fullest KV cache reported for the model (0–1), NaN when none is. */
  kvCache: number;
  /** Finished requests and output tokens per second over the window. */
  rps: number;
  tokensPerSecond: number;
  ttft95: number;
}

/** The LLM tiles (by key) and the per-model table. */
export interface LlmView {
  tiles: Record<string, number>;
  models: ModelRow[];
}

/**
 * LLM figures: request, token and preemption rates and TTFT / end-to-end quantiles from the
 * increases over a window of scrapes; running, waiting and KV-cache usage from the latest scrape.
 * One row per model, by name, at most `maxRows`.
 *
 * @example
 * llmView(windowOf(steps), latest.samples, names, { quantile: seriesQuantile, add: addToBuckets }, 20);
 */
export function llmView(
  window: Step | undefined,
  current: readonly Sample[],
  names: DashboardNames,
  hist: Histograms,
  maxRows: number,
): LlmView {
  const seconds = window?.seconds ?? 0;
  const rate = (n: number): number => (seconds > 0 ? n / seconds : Number.NaN);
  const fresh = (model: string) => ({
    model,
    running: 0,
    waiting: 0,
    kvCache: Number.NaN,
    finished: 0,
    tokens: 0,
    ttft: new Map<string, Map<number, number>>(),
  });
  const all = fresh('');
  const models = new Map<string, ReturnType<typeof fresh>>();
  const modelOf = (s: Sample) => {
    const model = s.labels[names.labels.model] ?? '';
    let m = models.get(model);
    if (m === undefined) {
      m = fresh(model);
      models.set(model, m);
    }
    return m;
  };
  // The fullest cache is the one that preempts first: a maximum, not a mean.
  const fuller = (a: number, b: number): number => (Number.isNaN(a) ? b : Math.max(a, b));
  let errors = 0;
  let preemptions = 0;
  const e2e = new Map<string, Map<number, number>>();
  for (const s of window?.increases ?? []) {
    if (s.name === names.llmRequests) {
      all.finished += s.value;
      modelOf(s).finished += s.value;
    } else if (s.name === names.generationTokens) {
      all.tokens += s.value;
      modelOf(s).tokens += s.value;
    } else if (s.name === names.ttftBucket) {
      hist.add(all.ttft, s.labels, s.value);
      hist.add(modelOf(s).ttft, s.labels, s.value);
    } else if (s.name === names.llmErrors) errors += s.value;
    else if (s.name === names.e2eBucket) hist.add(e2e, s.labels, s.value);
    else if (s.name === names.preemptions) preemptions += s.value;
  }
  for (const s of current) {
    if (s.name === names.running) {
      all.running += s.value;
      modelOf(s).running += s.value;
    } else if (s.name === names.waiting) {
      all.waiting += s.value;
      modelOf(s).waiting += s.value;
    } else if (s.name === names.kvCache) {
      all.kvCache = fuller(all.kvCache, s.value);
      const m = modelOf(s);
      m.kvCache = fuller(m.kvCache, s.value);
    }
  }
  const rows = [...models.values()]
    .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))
    .slice(0, maxRows)
    .map((m) => ({
      model: m.model,
      running: m.running,
      waiting: m.waiting,
      kvCache: m.kvCache,
      rps: rate(m.finished),
      tokensPerSecond: rate(m.tokens),
      ttft95: hist.quantile(0.95, m.ttft),
    }));
  return {
    tiles: {
      'llm.running': all.running,
      'llm.waiting': all.waiting,
      'llm.rps': rate(all.finished),
      'llm.errors': all.finished > 0 ? errors / all.finished : Number.NaN,
      'llm.ttft50': hist.quantile(0.5, all.ttft),
      'llm.ttft95': hist.quantile(0.95, all.ttft),
      'llm.e2e95': hist.quantile(0.95, e2e),
      'llm.tokens': rate(all.tokens),
      'llm.kvCache': all.kvCache,
      'llm.preemptions': rate(preemptions) * 60,
    },
    models: rows,
  };
}
