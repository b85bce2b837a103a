/**
 * node-llama-cpp's `stopReason` in the standard finish reasons (vLLM's: stop, length, abort,
 * tool_calls). `eogToken`, `stopGenerationTrigger` and `customStopTrigger` are all a stop.
 *
 * @example
 * finishReasonOf(response.metadata.stopReason); // 'length' for 'maxTokens'
 */
export function finishReasonOf(stopReason: unknown): string {
  switch (stopReason) {
    case 'maxTokens':
      return 'length';
    case 'abort':
      return 'abort';
    case 'functionCalls':
      return 'tool_calls';
    default:
      return 'stop';
  }
}

// node-llama-cpp's error classes (InsufficientMemoryError, DisposedError from lifecycle-utils,
// UnsupportedError); anything else is `error`, so the label stays low-cardinality.
const ERROR_TYPES: Record<string, string> = {
  InsufficientMemoryError: 'oom',
  DisposedError: 'disposed',
  UnsupportedError: 'unsupported',
  LlamaJsonSchemaValidationError: 'invalid_json',
};

/**
 * A low-cardinality `error_type` for an error a generation threw.
 *
 * @example
 * errorTypeOf(new InsufficientMemoryError()); // 'oom'
 */
export function errorTypeOf(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  const ctor = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return (
    (typeof ctor === 'string' ? ERROR_TYPES[ctor] : undefined) ??
    (typeof name === 'string' ? ERROR_TYPES[name] : undefined) ??
    'error'
  );
}

/** True for the error a generation throws when its signal aborts (without `stopOnAbortSignal`). */
export function isAbortError(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError';
}
