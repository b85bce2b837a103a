import { LlamaChatSession, LlamaCompletion, type LlamaContextSequence } from 'node-llama-cpp';
import { observerOf } from './observer.js';
import { type GenerationOptions, trackGeneration } from './request.js';

type AnyMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;

const WRAPPED = Symbol.for('@inferlens/node-llama-cpp.wrapped');

/**
 * Wraps the generation methods of LlamaCompletion and LlamaChatSession once per process. A
 * wrapped method looks up its sequence's context: for an instrumented context it tracks the
 * call, for any other it calls the original untouched. The `…WithMeta` methods are the ones the
 * plain methods call, so each generation is tracked once.
 */
export function patchGenerationMethods(): void {
  // LlamaCompletion keeps its sequence in `_sequence` (no public getter in 3.x).
  const completionSequence = (self: unknown) =>
    (self as { _sequence?: LlamaContextSequence | null })._sequence;
  wrap(LlamaCompletion.prototype, 'generateCompletionWithMeta', 1, completionSequence);
  wrap(LlamaCompletion.prototype, 'generateInfillCompletionWithMeta', 2, completionSequence);
  wrap(LlamaChatSession.prototype, 'promptWithMeta', 1, (self) =>
    (self as LlamaChatSession).disposed ? undefined : (self as LlamaChatSession).sequence,
  );
}

function wrap(
  proto: object,
  name: string,
  optionsIndex: number,
  sequenceOf: (self: unknown) => LlamaContextSequence | null | undefined,
): void {
  const target = proto as Record<string, AnyMethod & { [WRAPPED]?: true }>;
  const original = target[name];
  if (typeof original !== 'function' || original[WRAPPED]) return;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const sequence = sequenceOf(this);
    const observer = observerOf(sequence);
    if (observer === undefined || sequence == null) return original.apply(this, args);
    const options = (args[optionsIndex] ?? {}) as GenerationOptions;
    return trackGeneration(observer, this as object, sequence, options, (o) => {
      const next = args.slice();
      while (next.length < optionsIndex) next.push(undefined);
      next[optionsIndex] = o;
      return original.apply(this, next);
    });
  } as AnyMethod & { [WRAPPED]?: true };
  Object.defineProperty(wrapped, 'name', { value: name });
  wrapped[WRAPPED] = true;
  target[name] = wrapped;
}
