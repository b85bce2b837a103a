import type { BatchItem, BatchingOptions, PrioritizedBatchItem } from 'node-llama-cpp';

type Strategy = NonNullable<BatchingOptions['itemPrioritizationStrategy']>;
type StrategyFn = Exclude<Strategy, string>;

/** What one engine step will process: tokens and sequences, as the context fits them to a batch. */
export interface Step {
  tokens: number;
  sequences: number;
}

/**
 * Wraps a batching prioritization strategy so every engine step is reported to `onStep` before
 * it runs. node-llama-cpp calls the strategy once per batch with every queued decode; the context
 * then fits the returned amounts into the batch exactly as {@link fitStep} does.
 */
export function observeStrategy(inner: Strategy, onStep: (step: Step) => void): StrategyFn {
  const resolved = typeof inner === 'function' ? inner : BUILT_IN[inner];
  if (resolved === undefined) throw new Error(`unknown batching strategy "${String(inner)}"`);
  return function observedStrategy(options) {
    const prioritized = resolved(options);
    try {
      onStep(fitStep(prioritized, options.size));
    } catch {
      // Recording never breaks the engine's batch.
    }
    return prioritized;
  };
}

/** The batch the context builds from prioritized items (LlamaContext's fitQueuedDecodesToABatch). */
export function fitStep(items: readonly PrioritizedBatchItem[], size: number): Step {
  let left = size;
  let tokens = 0;
  let sequences = 0;
  for (const { item, processAmount } of items) {
    const n = Math.min(processAmount <= 0 ? 1 : processAmount, item.tokens.length, left);
    if (n <= 0) {
      if (left === 0) break;
      continue;
    }
    left -= n;
    tokens += n;
    sequences++;
  }
  return { tokens, sequences };
}

// node-llama-cpp 3.x does not export its two built-in strategies, so an observed context that
// named one by string gets the same algorithm from here (node-llama-cpp, MIT: src/evaluator/
// LlamaContext/utils/batchItemsPrioritizationStrategies/*.ts), kept line for line: its passes do
// not lower the free-token count, and the context's fit to the batch caps the amounts.
function maximumParallelism({ items, size }: { items: readonly BatchItem[]; size: number }) {
  let left = size;
  const each = Math.floor(left / items.length);
  const res: PrioritizedBatchItem[] = [];
  const clipped: PrioritizedBatchItem[] = [];
  for (const item of items) {
    const p = { item, processAmount: Math.min(item.tokens.length, left, each) };
    res.push(p);
    left -= p.processAmount;
    if (p.processAmount < item.tokens.length) clipped.push(p);
    if (left === 0) break;
  }
  for (let passes = 3; left > 0 && clipped.length > 0 && passes > 0; passes--) {
    const minIncrease = Math.ceil(left / clipped.length);
    for (let i = 0; i < clipped.length && left > 0; i++) {
      const p = clipped[i] as PrioritizedBatchItem;
      const rest = p.item.tokens.length - p.processAmount;
      const inc = Math.min(rest, left, minIncrease);
      p.processAmount += inc;
      if (inc === rest) clipped.splice(i--, 1);
    }
  }
  clipped.sort((a, b) => b.item.evaluationPriority - a.item.evaluationPriority);
  for (let i = 0; i < clipped.length && left > 0; i++) {
    const p = clipped[i] as PrioritizedBatchItem;
    const rest = p.item.tokens.length - p.processAmount;
    const inc = Math.min(rest, left);
    p.processAmount += inc;
    if (inc === rest) clipped.splice(i--, 1);
  }
  return res;
}

function firstInFirstOut({ items, size }: { items: readonly BatchItem[]; size: number }) {
  const res: PrioritizedBatchItem[] = [];
  const sorted = items.slice().sort((a, b) => b.evaluationPriority - a.evaluationPriority);
  let left = size;
  for (const item of sorted) {
    const processAmount = Math.min(item.tokens.length, left);
    res.push({ item, processAmount });
    left -= processAmount;
    if (left === 0) break;
  }
  return res;
}

const BUILT_IN: Record<string, StrategyFn> = {
  maximumParallelism,
  firstInFirstOut,
};
