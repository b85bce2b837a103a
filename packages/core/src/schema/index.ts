/**
 * The one table of metrics. Every name inferlens publishes is written here and nowhere else:
 * exposition, the prom-client and OpenTelemetry bridges, the docs reference and (later) dashboards
 * and rules are all generated from these rows.
 *
 * Semantics follow vLLM's definitions (docs/design/metrics.md): TTFT runs from arrival to the first
 * token, queue time from queued to scheduled, prefill from scheduled to the first token, decode from
 * the first to the last token, ITL between successive token outputs, and
 * TPOT = (e2e − TTFT) / (generated tokens − 1).
 */
import { gpuMetrics } from './gpu.js';
import { httpMetrics } from './http.js';
import { internalMetrics } from './internal.js';
import { llmMetrics } from './llm.js';
import { sourceMetrics } from './sources.js';
import type { MetricDefinition } from './types.js';

export type { LabelScope, MetricDefinition, MetricKind } from './types.js';
export { SUMMARY_DEFAULTS } from './types.js';

/**
 * The one table: every section's rows, in exposition order. A section lives in its own file only
 * to keep files readable; a name still appears in exactly one row.
 */
export const schema = {
  ...llmMetrics,
  ...httpMetrics,
  ...internalMetrics,
  ...sourceMetrics,
  ...gpuMetrics,
} as const satisfies Record<string, MetricDefinition>;

export type Schema = typeof schema;
/**
 * The id of one row of the metric schema (`'timeToFirstToken'`, `'httpRequests'`); every row, with
 * its Prometheus name and labels, is in docs/reference/metrics.md.
 *
 * @example
 * const id: MetricId = 'httpRequests';
 * lens.series(id, { method: 'GET', route: '/v1/chat' }).inc();
 */
export type MetricId = keyof Schema;

/** Labels that every `llm`-scope row carries first, in this order. */
export const LLM_LABELS = ['model_name', 'engine'] as const;

/** OTel attribute for each Prometheus label; labels not listed keep their name. */
export const OTEL_LABELS: Readonly<Record<string, string>> = {
  model_name: 'gen_ai.request.model',
  engine: 'gen_ai.provider.name',
  // Semconv only has gen_ai.response.finish_reasons, a string array on spans; ours is one value.
  finish_reason: 'llm.response.finish_reason',
  error_type: 'error.type',
  // Set on a series only when it differs from the requested model (a client seeing an alias
  // resolved); otherwise @inferlens/otel reports model_name as the model that served.
  response_model: 'gen_ai.response.model',
  method: 'http.request.method',
  route: 'http.route',
  status: 'http.response.status_code',
  outcome: 'inferlens.http.outcome',
  // Required on http.server.*; @inferlens/otel falls back to its `urlScheme` option without it.
  scheme: 'url.scheme',
  // The hardware semconv requires hw.id on hw.gpu.* metrics; the NVML product name is the model.
  uuid: 'hw.id',
  name: 'hw.model',
};

/** Label names of a row, in exposition order (without the user's constant labels). */
export function labelNamesOf(def: MetricDefinition): readonly string[] {
  return def.scope === 'llm' ? [...LLM_LABELS, ...def.labels] : def.labels;
}

export const metricIds = Object.keys(schema) as MetricId[];
