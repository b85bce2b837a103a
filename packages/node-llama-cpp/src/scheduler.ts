import type { RequestTracker } from '@inferlens/core';
import { setupError } from '@inferlens/core/internal';
import { LlamaCompletion, type LlamaContext, type LlamaContextSequence } from 'node-llama-cpp';
import { errorTypeOf } from './finish.js';
import { observerOf } from './observer.js';

/**
 * Options of {@link LlamaScheduler}: the context whose sequences it hands out, and how many.
 *
 * @example
 * const scheduler = new LlamaScheduler({ context, slots: 4 });
 */
export interface LlamaSchedulerOptions {
  context: LlamaContext;
  /** How many of the context's sequences to serve from (default: all it has left). */
  slots?: number;
}

/** One sequence of the context, with a completion on it, lent to one request at a time. */
export interface SchedulerSlot {
  readonly index: number;
  readonly sequence: LlamaContextSequence;
  /** A `LlamaCompletion` on the slot's sequence, made on first use. */
  readonly completion: LlamaCompletion;
}

interface Waiter {
  grant(slot: SchedulerSlot): void;
}

/**
 * A FIFO request queue in front of a context: slots are its sequences, and a request waits until
 * one is free. node-llama-cpp has no request queue of its own, so a server that takes more
 * requests than sequences needs one. On an instrumented context the request is tracked from the
 * moment it is queued, so queue time and `llm_requests_waiting` are real.
 *
 * @example
 * const scheduler = new LlamaScheduler({ context });
 * const text = await scheduler.run((slot) => slot.completion.generateCompletion(prompt), { signal });
 */
export class LlamaScheduler {
  readonly slots: readonly SchedulerSlot[];
  readonly #free: SchedulerSlot[];
  readonly #queue: Waiter[] = [];

  constructor(options: LlamaSchedulerOptions) {
    const context = options?.context;
    if (!context || typeof context.getSequence !== 'function')
      setupError(
        'node-llama-cpp',
        'LlamaScheduler: context: pass { context } from model.createContext()',
      );
    const n = options.slots ?? context.sequencesLeft;
    if (!Number.isInteger(n) || n < 1 || n > context.sequencesLeft)
      setupError(
        'node-llama-cpp',
        `LlamaScheduler: slots: must be an integer from 1 to the ${context.sequencesLeft} sequences left`,
      );
    this.slots = Array.from({ length: n }, (_, index) => makeSlot(index, context.getSequence()));
    this.#free = [...this.slots];
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Slots lent out now. */
  get running(): number {
    return this.slots.length - this.#free.length;
  }

  /**
   * Waits for a free slot (first come, first served), runs `fn` on it, and frees it. An abort
   * while waiting rejects with the signal's reason and is recorded as an aborted request.
   */
  async run<R>(fn: (slot: SchedulerSlot) => Promise<R>, options?: { signal?: AbortSignal }) {
    const signal = options?.signal;
    const observer = observerOf(this.slots[0]?.sequence);
    let tracker: RequestTracker | undefined;
    if (observer !== undefined) {
      tracker = observer.lens.request({ model: observer.model });
      tracker.queued();
      observer.active.add(tracker);
    }
    let slot: SchedulerSlot;
    try {
      slot = await this.#acquire(signal);
    } catch (error) {
      if (tracker !== undefined && !tracker.ended) tracker.abort();
      observer?.active.delete(tracker as RequestTracker);
      throw error;
    }
    const state = observer?.state(slot.sequence);
    if (state !== undefined && tracker !== undefined && !tracker.ended) state.adopted = tracker;
    try {
      return await fn(slot);
    } catch (error) {
      // fn failed before it started a generation: the queued request ends here.
      if (state?.adopted === tracker && tracker !== undefined && !tracker.ended) {
        if (signal?.aborted) tracker.abort();
        else tracker.fail(errorTypeOf(error));
      }
      throw error;
    } finally {
      if (state !== undefined && state.adopted === tracker) {
        state.adopted = undefined;
        // fn returned without generating anything: nothing to record as finished.
        if (tracker !== undefined && !tracker.ended) tracker.discard('stopped');
      }
      if (tracker !== undefined) observer?.active.delete(tracker);
      this.#release(slot);
    }
  }

  #acquire(signal: AbortSignal | undefined): Promise<SchedulerSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const free = this.#free.shift();
    if (free !== undefined && this.#queue.length === 0) return Promise.resolve(free);
    if (free !== undefined) this.#free.unshift(free);
    return new Promise<SchedulerSlot>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (slot) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(slot);
        },
      };
      const onAbort = () => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  #release(slot: SchedulerSlot): void {
    const next = this.#queue.shift();
    if (next !== undefined) next.grant(slot);
    else this.#free.push(slot);
  }
}

function makeSlot(index: number, sequence: LlamaContextSequence): SchedulerSlot {
  let completion: LlamaCompletion | undefined;
  return {
    index,
    sequence,
    get completion() {
      completion ??= new LlamaCompletion({ contextSequence: sequence });
      return completion;
    },
  };
}
