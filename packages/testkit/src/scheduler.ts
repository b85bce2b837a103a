import type { EngineEventName, EngineEvents } from '@inferlens/core/internal';
import { SimulatedEngineError } from './generation.js';
import { KvCache } from './kv.js';
import type { ResolvedOptions } from './options.js';
import type { Random } from './prng.js';
import type { Sequence } from './sequence.js';
import { tokenText } from './text.js';

export type Emit = <K extends EngineEventName>(event: K, payload: EngineEvents[K]) => void;

/** One planned engine step: the batch it runs and when it starts and ends (simulated ms). */
export interface Step {
  start: number;
  end: number;
  batch: Sequence[];
  stats: { iterationTokens: number; queries: number; hits: number };
}

/**
 * Continuous batching as vLLM's scheduler does it: every step first makes KV room for one more
 * token of each running sequence, preempting the newest running sequence when the cache is full
 * (recompute: its blocks are freed and it goes back to the head of the queue); then, if nothing was
 * preempted, admits waiting requests while the batch, the step's token budget and the free blocks
 * allow. Newly admitted requests prefill their whole context in the step and produce a token.
 */
export class Scheduler {
  readonly waiting: Sequence[] = [];
  readonly running: Sequence[] = [];
  readonly kv: KvCache;
  readonly #o: ResolvedOptions;
  readonly #rng: Random;
  readonly #emit: Emit;

  constructor(options: ResolvedOptions, rng: Random, emit: Emit) {
    this.#o = options;
    this.#rng = rng;
    this.#emit = emit;
    this.kv = new KvCache(options.kvBlocks, options.blockSize, options.sharedPrefixTokens);
  }

  /** Plans the next step at or after `cursor`; undefined when there is nothing to run. */
  plan(cursor: number): Step | undefined {
    const { running, waiting, kv } = this;
    if (running.length === 0 && waiting.length === 0) return undefined;
    // An idle engine starts its next step when the first waiting request arrived.
    const start = running.length > 0 ? cursor : Math.max(cursor, waiting[0]!.arrival);
    let preempted = false;
    for (let i = 0; i < running.length; i++) {
      const seq = running[i]!;
      while (!kv.grow(seq)) {
        const victim = running.pop()!;
        this.#preempt(victim, start);
        preempted = true;
        if (victim === seq) break;
      }
    }
    const decodes = running.length;
    let prefillTokens = 0;
    let queries = 0;
    let hits = 0;
    // vLLM admits nothing in a step that had to preempt: the cache is under pressure.
    if (!preempted || running.length === 0) {
      while (waiting.length > 0 && running.length < this.#o.maxBatch) {
        const seq = waiting[0]!;
        if (seq.arrival > start || !kv.canAdmit(seq, this.#o.watermarkBlocks)) break;
        const cost = seq.contextTokens - kv.cachedPrefixTokens(seq);
        // The first prefill of a step may exceed the budget (vLLM would chunk it instead).
        if (prefillTokens > 0 && decodes + prefillTokens + cost > this.#o.maxBatchTokens) break;
        const hit = kv.admit(seq);
        waiting.shift();
        running.push(seq);
        seq.state = 'running';
        if (seq.cachedTokens < 0) seq.cachedTokens = hit;
        prefillTokens += cost;
        queries += seq.promptTokens;
        hits += hit;
        this.#emit('scheduled', { id: seq.id, time: start });
      }
    }
    if (running.length === 0) return undefined;
    const end = start + this.#duration(prefillTokens);
    const iterationTokens = decodes + prefillTokens;
    const stats = { iterationTokens, queries, hits };
    return { start, end, batch: running.slice(), stats };
  }

  /** Ends a step: one token for every sequence still running, then finishes and stats. */
  complete(step: Step): void {
    const t = step.end;
    for (const seq of step.batch) {
      if (seq.state !== 'running') continue; // aborted during the step
      if (seq.generated === seq.failAt) {
        this.#remove(seq);
        this.#emit('failed', { id: seq.id, errorType: seq.failType, time: t, ...prefilled(seq) });
        seq.output.end(
          result(seq, 'error', seq.failType),
          new SimulatedEngineError(seq.failType, seq.id),
        );
        continue;
      }
      const index = seq.generated++;
      const last = seq.generated >= seq.target;
      const finishReason = last ? seq.targetReason : undefined;
      const text = last && finishReason === 'stop' ? '.' : tokenText(seq.rng);
      this.#emit(index === 0 ? 'firstToken' : 'tokens', { id: seq.id, time: t });
      seq.output.push(
        finishReason ? { text, tokens: 1, index, finishReason } : { text, tokens: 1, index },
      );
      if (!finishReason) continue;
      this.#remove(seq);
      const r = result(seq, finishReason);
      this.#emit('finished', {
        id: seq.id,
        time: t,
        finishReason,
        promptTokens: seq.promptTokens,
        generationTokens: seq.generated,
        cachedTokens: r.usage.cachedTokens,
      });
      seq.output.end(r);
    }
    const s = step.stats;
    this.#emit('stats', {
      model: this.#o.model,
      // Read after the step's finished requests freed their blocks, so an idle engine reads 0.
      kvCacheUsage: this.kv.usage,
      iterationTokens: s.iterationTokens,
      batchSize: step.batch.length,
      prefixCacheQueries: s.queries,
      prefixCacheHits: s.hits,
    });
  }

  /** Takes a sequence out of the queue or the batch and frees its blocks. */
  #remove(seq: Sequence): void {
    const list = seq.state === 'running' ? this.running : this.waiting;
    const i = list.indexOf(seq);
    if (i >= 0) list.splice(i, 1);
    this.kv.release(seq);
    seq.state = 'ended';
  }

  /** Ends a request that has not finished: the client went away or the engine closed. */
  abort(seq: Sequence, time: number): void {
    if (seq.state === 'ended') return;
    this.#remove(seq);
    this.#emit('aborted', { id: seq.id, time, ...prefilled(seq) });
    seq.output.end(result(seq, 'abort'));
  }

  #preempt(seq: Sequence, time: number): void {
    this.kv.release(seq);
    seq.state = 'waiting';
    this.waiting.unshift(seq);
    this.#emit('preempted', { id: seq.id, time });
  }

  #duration(prefillTokens: number): number {
    const c = this.#o.stepCost;
    let context = 0;
    for (const seq of this.running) context += seq.contextTokens;
    const ms =
      c.baseMs +
      c.perSeqMs * this.running.length +
      c.perPrefillTokenMs * prefillTokens +
      c.perContextTokenMs * context;
    return ms * (1 + c.jitter * (2 * this.#rng() - 1));
  }
}

function result(
  seq: Sequence,
  finishReason: 'stop' | 'length' | 'abort' | 'error',
  errorType?: string,
) {
  const cachedTokens = Math.max(0, seq.cachedTokens);
  const usage = {
    promptTokens: seq.promptTokens,
    completionTokens: seq.generated,
    totalTokens: seq.promptTokens + seq.generated,
    cachedTokens,
  };
  return errorType === undefined
    ? { id: seq.id, finishReason, usage }
    : { id: seq.id, finishReason, errorType, usage };
}

/**
 * The prompt tokens an ended request had processed, as the aborted and failed events carry them:
 * all of its prompt once it was scheduled (prefill runs in its first step), none while it waited.
 */
function prefilled(seq: Sequence): { promptTokens?: number; cachedTokens?: number } {
  return seq.cachedTokens < 0
    ? {}
    : { promptTokens: seq.promptTokens, cachedTokens: seq.cachedTokens };
}
