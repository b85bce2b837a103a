import type { PromptUsage, RequestTracker } from '@inferlens/core/internal';
import type { LlamaContextSequence, Token } from 'node-llama-cpp';
import { errorTypeOf, finishReasonOf, isAbortError } from './finish.js';
import type { ContextObserver } from './observer.js';

/** The generation options every instrumented call shares (LlamaCompletion and LlamaChatSession). */
export interface GenerationOptions {
  onToken?: (tokens: Token[]) => void;
  signal?: AbortSignal;
}

interface Meter {
  usedInputTokens: number;
  usedOutputTokens: number;
}

/**
 * Runs one generation as one tracked request: queued on arrival, scheduled when its owner (the
 * LlamaCompletion or LlamaChatSession) is free, as node-llama-cpp's own lock runs an owner's
 * generations one at a time; TTFT and ITL from `onToken`, the finish reason from `stopReason`,
 * prompt and cached tokens from the sequence's token meter.
 */
export async function trackGeneration<R>(
  observer: ContextObserver,
  owner: object,
  sequence: LlamaContextSequence,
  options: GenerationOptions,
  call: (options: GenerationOptions) => Promise<R>,
): Promise<R> {
  const state = observer.state(sequence);
  const adopted = state.adopted;
  state.adopted = undefined;
  const tracker = adopted ?? observer.lens.request({ model: observer.model });
  if (adopted === undefined) tracker.queued();
  observer.active.add(tracker);
  const { previous, done } = observer.turn(owner);
  const signal = options.signal;
  try {
    await untilFreeOrAborted(previous, signal);
    if (!signal?.aborted && !tracker.ended) tracker.started();
    const start = sequence.tokenMeter.getState();
    let usage: PromptUsage | undefined;
    const userOnToken = options.onToken;
    const onToken = (tokens: Token[]) => {
      if (!tracker.ended) {
        if (usage === undefined) usage = promptUsage(observer, sequence, start);
        tracker.tokens(tokens.length);
      }
      userOnToken?.(tokens);
    };
    let result: R;
    try {
      result = await call({ ...options, onToken });
    } catch (error) {
      if (!tracker.ended) {
        usage ??= promptUsage(observer, sequence, start);
        if (isAbortError(error, signal)) tracker.abort(undefined, usage);
        else tracker.fail(errorTypeOf(error), undefined, usage);
      }
      throw error;
    }
    if (!tracker.ended) {
      usage ??= promptUsage(observer, sequence, start);
      const reason = finishReasonOf(stopReasonOf(result));
      if (reason === 'abort') tracker.abort(undefined, usage);
      else tracker.finish({ finishReason: reason, ...usage });
    }
    return result;
  } finally {
    observer.active.delete(tracker);
    done();
  }
}

/**
 * Prompt tokens of the running request, read from the sequence once its prompt is evaluated (at
 * the first token, or at the end). The meter counts a token `input` without logits and `output`
 * with them, and the prompt's last token carries the logits for the first sampled token; the
 * sequence holds the reused prefix, the evaluated prompt, and the generated tokens fed back.
 */
function promptUsage(
  observer: ContextObserver,
  sequence: LlamaContextSequence,
  start: Meter,
): PromptUsage {
  const now = sequence.tokenMeter.getState();
  const input = now.usedInputTokens - start.usedInputTokens;
  const output = now.usedOutputTokens - start.usedOutputTokens;
  const processed = input + Math.min(output, 1);
  const cachedTokens = Math.max(0, sequence.nextTokenIndex - input - output);
  const promptTokens = processed + cachedTokens;
  const h = observer.handles;
  h.prefixCacheQueries.inc(promptTokens);
  h.prefixCacheHits.inc(cachedTokens);
  return { promptTokens, cachedTokens };
}

function stopReasonOf(result: unknown): unknown {
  const r = result as { metadata?: { stopReason?: unknown }; stopReason?: unknown } | null;
  return r?.metadata?.stopReason ?? r?.stopReason;
}

function untilFreeOrAborted(previous: Promise<void>, signal: AbortSignal | undefined) {
  if (signal === undefined || signal.aborted) return previous;
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done);
    void previous.then(done);
  });
}

export type { RequestTracker };
