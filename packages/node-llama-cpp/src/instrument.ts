import type { Lens } from '@inferlens/core';
import { setupError } from '@inferlens/core/internal';
import { LlamaContext } from 'node-llama-cpp';
import { ContextObserver } from './observer.js';
import { patchGenerationMethods } from './patch.js';

/**
 * What {@link instrumentLlama} needs: the lens, the context to observe, and its model name.
 *
 * @example
 * instrumentLlama({ lens, context, model: 'qwen2.5-0.5b', steps: false });
 */
export interface InstrumentLlamaOptions {
  lens: Lens;
  /** The context to observe: every sequence of it, and every completion or chat session on them. */
  context: LlamaContext;
  /** `model_name` label (default: the model's file name). */
  model?: string;
  /** Observe engine steps (tokens and sequences per batch) through the batching hook (default true). */
  steps?: boolean;
}

/**
 * What {@link instrumentLlama} returns: `stop()` detaches it from the context.
 *
 * @example
 * const inst = instrumentLlama({ lens, context });
 * process.on('SIGTERM', () => inst.stop());
 */
export interface LlamaInstrumentation {
  /** The `model_name` recorded. */
  readonly model: string;
  /** Generations started and not yet ended. */
  readonly inFlight: number;
  /** True when engine steps are observed (the context's batching strategy could be wrapped). */
  readonly observesSteps: boolean;
  /** The KV-cache usage estimate now (also set at every step and every scrape). */
  kvCacheUsage(): number;
  /** Stops recording and undoes the context's patches; generations in flight are dropped as `stopped`. */
  stop(): void;
}

/**
 * Records the standard LLM metric set for a node-llama-cpp context the app already has: every
 * `LlamaCompletion` and `LlamaChatSession` generation on its sequences becomes a request (queue
 * time, TTFT, ITL, TPOT, e2e, tokens, finish reason, errors), and every engine step records its
 * tokens and sequences and the KV-cache estimate. Nothing else in the app changes.
 *
 * @example
 * const llama = await getLlama({ gpu: false });
 * const model = await llama.loadModel({ modelPath });
 * const context = await model.createContext({ sequences: 4 });
 * const lens = createLens({ engine: 'node-llama-cpp' });
 * instrumentLlama({ lens, context, model: 'qwen2.5-0.5b' });
 * const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
 * await completion.generateCompletion('Hello', { maxTokens: 32 }); // recorded
 */
export function instrumentLlama(options: InstrumentLlamaOptions): LlamaInstrumentation {
  const lens = options?.lens;
  if (!lens || typeof lens.request !== 'function')
    setupError('node-llama-cpp', 'instrumentLlama: lens: pass { lens } from createLens()');
  const context = options.context;
  if (!context || typeof context.getSequence !== 'function')
    setupError(
      'node-llama-cpp',
      'instrumentLlama: context: pass { context } from model.createContext()',
    );
  if (context.disposed) setupError('node-llama-cpp', 'instrumentLlama: context: is disposed');
  // The wrapped methods are those of the node-llama-cpp this package imports; a context from
  // another copy would never reach them.
  if (!(context instanceof LlamaContext))
    setupError(
      'node-llama-cpp',
      'instrumentLlama: context: comes from another copy of node-llama-cpp than this package loads; install node-llama-cpp once (it is a peer dependency)',
    );
  patchGenerationMethods();
  const model = options.model || context.model.filename || 'unknown';
  const observer = new ContextObserver(lens, context, model, options.steps !== false);
  return {
    model,
    get inFlight() {
      return observer.active.size;
    },
    observesSteps: observer.observesSteps,
    kvCacheUsage: () => observer.kvCacheUsage(),
    stop: () => observer.stop(),
  };
}
