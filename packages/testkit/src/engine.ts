import type { EngineEventName, EngineEvents } from '@inferlens/core/internal';
import { EventEmitter } from 'eventemitter3';
import { Generation } from './generation.js';
import { type ResolvedOptions, resolveOptions, type SimulatedEngineOptions } from './options.js';
import { deriveSeed, mulberry32 } from './prng.js';
import { type AbortSignalLike, hostNow, rethrowLater, startTimer, stopTimer } from './runtime.js';
import { type Emit, Scheduler, type Step } from './scheduler.js';
import { Sequence } from './sequence.js';
import { countTokens } from './text.js';

/** The events a {@link SimulatedEngine} emits: exactly core's `EngineEvents`. */
export type SimulatedEngineEvents = {
  [K in EngineEventName]: (payload: EngineEvents[K]) => void;
};

/**
 * One request to {@link SimulatedEngine.generate}: prompt, output length, and how it ends.
 *
 * @example
 * engine.generate({ prompt: 'Hello', maxTokens: 16, ignoreEos: true });
 */
export interface GenerateRequest {
  /** Model label for this request's events (default: the engine's model). */
  model?: string;
  /** Prompt text; its length sets the prompt tokens unless `promptTokens` is given. */
  prompt?: string;
  promptTokens?: number;
  /** Most tokens to generate (default 256). */
  maxTokens?: number;
  /** Generate exactly `maxTokens` tokens, as vLLM's `ignore_eos`. */
  ignoreEos?: boolean;
  /** Aborting it aborts the request and frees its KV blocks. */
  signal?: AbortSignalLike;
}

/** Steps run in one timer callback at most, so catching up never blocks the event loop long. */
const MAX_STEPS_PER_TICK = 64;

/**
 * A believable LLM engine: continuous batching under a KV-block budget, queueing and preemption
 * under load, prefix caching of a shared system prompt, and steps whose duration follows a simple
 * GPU cost model. It emits core's engine events, so `instrument(engine, { lens })` records it.
 *
 * Event times are on {@link SimulatedEngine.now}: `performance.now()` (the lens's default clock)
 * at speed 1. At another speed, create the lens with `clock: engine.now` so both agree.
 *
 * @example
 * const lens = createLens({ engine: 'sim' });
 * const engine = new SimulatedEngine({ model: 'llama-3-8b', seed: 7 });
 * instrument(engine, { lens });
 * for await (const chunk of engine.generate({ prompt: 'Hello', maxTokens: 16 })) console.log(chunk.text);
 * engine.close();
 */
export class SimulatedEngine extends EventEmitter<SimulatedEngineEvents> {
  readonly model: string;
  readonly options: Readonly<ResolvedOptions>;
  /** Simulated milliseconds: the clock event times are on. */
  readonly now: () => number;
  readonly #scheduler: Scheduler;
  readonly #emit: Emit;
  readonly #live = new Map<string, Sequence>();
  #requests = 0;
  #step: Step | undefined;
  #cursor = 0;
  #timer: unknown;
  #closed = false;

  constructor(options: SimulatedEngineOptions = {}) {
    super();
    const o = resolveOptions(options);
    this.options = o;
    this.model = o.model;
    const origin = hostNow();
    this.now = o.speed === 1 ? hostNow : () => origin + (hostNow() - origin) * o.speed;
    // A listener that throws must not leave a step half done; its error surfaces on its own.
    const emit: Emit = (event, payload) => {
      try {
        (this.emit as (e: string, p: unknown) => boolean)(event, payload);
      } catch (error) {
        rethrowLater(error);
      }
    };
    this.#emit = emit;
    this.#scheduler = new Scheduler(o, mulberry32(o.seed), emit);
  }

  /**
   * Submits a request. It is queued now; iterate the result for its tokens.
   * Throws a RangeError when prompt plus `maxTokens` exceed what the KV budget can ever hold.
   */
  generate(request: GenerateRequest = {}): Generation {
    if (this.#closed) throw new Error('[@inferlens/testkit] the engine is closed');
    const o = this.options;
    const promptTokens = request.promptTokens ?? countTokens(request.prompt ?? '');
    const maxTokens = request.maxTokens ?? 256;
    if (!Number.isInteger(promptTokens) || promptTokens < 1)
      throw new RangeError('[@inferlens/testkit] promptTokens must be a positive integer');
    if (!Number.isInteger(maxTokens) || maxTokens < 1)
      throw new RangeError('[@inferlens/testkit] maxTokens must be a positive integer');
    if (promptTokens + maxTokens > o.maxModelLen)
      throw new RangeError(
        `[@inferlens/testkit] prompt (${promptTokens}) + maxTokens (${maxTokens}) exceed the model length ${o.maxModelLen}`,
      );
    const n = ++this.#requests;
    const id = `${o.idPrefix}-${n}`;
    const model = request.model ?? o.model;
    const output = new Generation(id, model, promptTokens, () => this.#abort(id));
    const seq = new Sequence({
      ...o,
      id,
      model,
      promptTokens,
      maxTokens,
      arrival: this.now(),
      sharesPrefix: promptTokens >= o.sharedPrefixTokens,
      ignoreEos: request.ignoreEos === true,
      rng: mulberry32(deriveSeed(o.seed, n)),
      output,
    });
    this.#live.set(id, seq);
    output.done.then(() => this.#live.delete(id));
    this.#emit('queued', { id, model, time: seq.arrival });
    this.#scheduler.waiting.push(seq);
    const signal = request.signal;
    if (signal) {
      const onAbort = () => this.#abort(id);
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        output.done.then(() => signal.removeEventListener('abort', onAbort));
      }
    }
    if (this.#step === undefined && this.#timer === undefined) this.#arm(0);
    return output;
  }

  /** Requests queued and running now, and the KV-cache usage. */
  get state(): { running: number; waiting: number; kvCacheUsage: number } {
    const s = this.#scheduler;
    return { running: s.running.length, waiting: s.waiting.length, kvCacheUsage: s.kv.usage };
  }

  /** Aborts every request, stops the step loop and refuses new requests. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) stopTimer(this.#timer);
    this.#timer = undefined;
    this.#step = undefined;
    const t = this.now();
    for (const seq of [...this.#live.values()]) this.#scheduler.abort(seq, t);
  }

  get closed(): boolean {
    return this.#closed;
  }

  #abort(id: string): void {
    const seq = this.#live.get(id);
    if (seq) this.#scheduler.abort(seq, this.now());
  }

  // Steps end on simulated time. A timer fires when the planned step should end; if the host ran
  // late (or speed is high), every step that should have ended by now completes, each stamped
  // with its own end time, so event times never depend on timer precision.
  #tick = (): void => {
    this.#timer = undefined;
    const now = this.now();
    for (let steps = 0; steps < MAX_STEPS_PER_TICK; steps++) {
      this.#step ??= this.#scheduler.plan(this.#cursor);
      const step = this.#step;
      if (step === undefined) return; // idle until the next generate()
      if (step.end > now) return this.#arm((step.end - now) / this.options.speed);
      this.#step = undefined;
      this.#cursor = step.end;
      this.#scheduler.complete(step);
    }
    this.#arm(0);
  };

  #arm(ms: number): void {
    // A pending timer keeps the host alive only while requests are in flight, as a real server's
    // sockets would; an idle or closed engine holds none.
    this.#timer = startTimer(this.#tick, ms);
  }
}
