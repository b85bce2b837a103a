import { fail } from './errors.js';
import type { MetricId } from './schema/index.js';

/** OTel's overflow attribute (`otel.metric.overflow`), in Prometheus spelling. */
export const OVERFLOW_LABEL = 'otel_metric_overflow';

/** The Prometheus label-name grammar (names starting with `__` are reserved on top of it). */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label names the exposition writes itself, so no family may declare them. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set(['le', 'quantile', OVERFLOW_LABEL]);

/** Extra label names per metric, appended after the row's own labels (`StoreOptions.extraLabels`). */
export type ExtraLabels = Partial<Record<MetricId, readonly string[]>>;

/**
 * Checks label names a family is asked to take on top of its row's labels and returns the ones it
 * does not have yet, in the order given. Names already among `current` are skipped, so declaring
 * the same names twice is harmless. Every problem is listed in one message, as prom-client's
 * validation does, so a bad configuration is fixed in one go.
 */
export function newExtraLabels(
  where: string,
  names: unknown,
  rowLabels: readonly string[],
  constLabels: readonly string[],
  current: readonly string[],
): string[] {
  if (!Array.isArray(names)) fail(`${where}: give an array of label names`);
  const bad: string[] = [];
  const out: string[] = [];
  const seen = new Set<unknown>();
  for (const name of names as unknown[]) {
    const shown = typeof name === 'string' ? `"${name}"` : String(name);
    if (typeof name !== 'string' || !LABEL_NAME.test(name) || name.startsWith('__'))
      bad.push(`${shown} is not a valid label name`);
    else if (RESERVED_LABELS.has(name)) bad.push(`${shown} is reserved by the exposition`);
    else if (rowLabels.includes(name)) bad.push(`${shown} is already a label of this metric`);
    else if (constLabels.includes(name)) bad.push(`${shown} is a constant label (constLabels)`);
    else if (seen.has(name)) bad.push(`${shown} is given twice`);
    else if (!current.includes(name)) out.push(name);
    seen.add(name);
  }
  if (bad.length) fail(`${where}: ${bad.join('; ')}`);
  return out;
}
