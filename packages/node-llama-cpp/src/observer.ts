import type { Lens, ModelHandles, RequestTracker } from '@inferlens/core/internal';
import type { LlamaContext, LlamaContextSequence } from 'node-llama-cpp';
import { observeStrategy, type Step } from './strategies.js';

/** Per sequence: a request a scheduler queued for it, taken by the next generation on it. */
export interface SequenceState {
  adopted: RequestTracker | undefined;
}

// The internal field that holds the strategy given to createContext({ batching }); see the
// README's "How it works". Feature-detected: without it, steps are not observed.
interface BatchingHolder {
  _batchingOptions?: { itemPrioritizationStrategy?: unknown };
}

const observers = new WeakMap<LlamaContext, ContextObserver>();

/** The observer of the context a sequence belongs to, if that context is instrumented. */
export function observerOf(sequence: LlamaContextSequence | null | undefined) {
  if (sequence == null || sequence.disposed) return undefined;
  const o = observers.get(sequence.context);
  return o?.stopped === false ? o : undefined;
}

/**
 * What `instrumentLlama` keeps for one context: the lens and model handles, the sequences seen
 * (for the KV estimate), the per-sequence request queue, and the patches to undo at stop.
 */
export class ContextObserver {
  readonly lens: Lens;
  readonly model: string;
  readonly context: LlamaContext;
  readonly handles: ModelHandles;
  readonly active = new Set<RequestTracker>();
  stopped = false;
  observesSteps = false;
  readonly #sequences = new Set<LlamaContextSequence>();
  readonly #states = new WeakMap<LlamaContextSequence, SequenceState>();
  readonly #undo: (() => void)[] = [];
  readonly #tails = new WeakMap<object, Promise<void>>();

  constructor(lens: Lens, context: LlamaContext, model: string, steps: boolean) {
    this.lens = lens;
    this.context = context;
    this.model = model;
    this.handles = lens.handles(model);
    const previous = observers.get(context);
    if (previous !== undefined && !previous.stopped)
      throw new Error('instrumentLlama: this context is already instrumented; stop() it first');
    observers.set(context, this);
    this.#watchSequences();
    if (steps) this.#watchSteps();
    this.#undo.push(lens.onCollect(() => this.sampleKvCache()));
  }

  /** The state of a sequence of this context, registering it on first sight. */
  state(sequence: LlamaContextSequence): SequenceState {
    let s = this.#states.get(sequence);
    if (s === undefined) {
      s = { adopted: undefined };
      this.#states.set(sequence, s);
      this.#sequences.add(sequence);
    }
    return s;
  }

  /**
   * Σ tokens held by the sequences seen ÷ (contextSize × sequences): node-llama-cpp has no public
   * count of used KV cells. Finished sequences keep their tokens for prefix reuse, so they count.
   */
  kvCacheUsage(): number {
    const ctx = this.context;
    if (ctx.disposed) return 0;
    let used = 0;
    for (const s of this.#sequences) {
      if (s.disposed) this.#sequences.delete(s);
      else used += s.nextTokenIndex;
    }
    const cells = ctx.contextSize * ctx.totalSequences;
    return cells > 0 ? Math.min(1, used / cells) : 0;
  }

  /**
   * Queues a generation behind the previous one of the same owner (a LlamaCompletion or a
   * LlamaChatSession): node-llama-cpp's own lock runs an owner's generations one at a time, in
   * order, so the request is scheduled when it takes its turn. Returns the previous one's end
   * and the function that ends this one.
   */
  turn(owner: object): { previous: Promise<void>; done: () => void } {
    const previous = this.#tails.get(owner) ?? Promise.resolve();
    let done = () => {};
    const tail = new Promise<void>((resolve) => {
      done = () => {
        if (this.#tails.get(owner) === tail) this.#tails.delete(owner);
        resolve();
      };
    });
    this.#tails.set(owner, tail);
    return { previous, done };
  }

  sampleKvCache(): void {
    if (!this.stopped) this.handles.kvCacheUsage.set(this.kvCacheUsage());
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const undo of this.#undo.splice(0)) undo();
    for (const t of [...this.active]) t.discard('stopped');
    this.active.clear();
  }

  #watchSequences(): void {
    const ctx = this.context as LlamaContext & { getSequence: LlamaContext['getSequence'] };
    const original = ctx.getSequence;
    const self = this;
    ctx.getSequence = function getSequence(this: LlamaContext, ...args) {
      const sequence = original.apply(this, args);
      if (!self.stopped) self.state(sequence);
      return sequence;
    };
    this.#undo.push(() => {
      ctx.getSequence = original;
      if (Object.getPrototypeOf(ctx).getSequence === original)
        delete (ctx as { getSequence?: unknown }).getSequence;
    });
  }

  #watchSteps(): void {
    const holder = (this.context as unknown as BatchingHolder)._batchingOptions;
    if (holder === null || typeof holder !== 'object') return;
    const original = holder.itemPrioritizationStrategy ?? 'maximumParallelism';
    const h = this.handles;
    const onStep = (step: Step) => {
      if (step.tokens === 0) return;
      h.iterationTokens.observe(step.tokens);
      h.batchSize.observe(step.sequences);
      this.sampleKvCache();
    };
    try {
      holder.itemPrioritizationStrategy = observeStrategy(
        original as Parameters<typeof observeStrategy>[0],
        onStep,
      );
    } catch {
      return; // a strategy name this version does not know: leave the context as it is
    }
    this.observesSteps = true;
    this.#undo.push(() => {
      holder.itemPrioritizationStrategy = original;
    });
  }
}
