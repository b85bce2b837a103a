import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The trace id of the active span, for `createLens({ exemplars: { traceId: traceIdFromActiveSpan } })`:
 * a request started inside a traced handler then carries its trace as the exemplar of its TTFT and
 * end-to-end observations. Undefined without an active, valid span (no SDK registered, say).
 *
 * @example
 * const lens = createLens({ engine: 'vllm', exemplars: { traceId: traceIdFromActiveSpan } });
 */
export function traceIdFromActiveSpan(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context !== undefined && isSpanContextValid(context) ? context.traceId : undefined;
}
