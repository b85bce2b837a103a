import { CONTENT_TYPES } from '@inferlens/core/internal';

/**
 * The part of a prom-client `Registry` the bridge uses. Typed structurally so the bridge never
 * imports prom-client at run time: it works with whichever copy (and version ≥ 15) the app has,
 * including `AggregatorRegistry`.
 */
export interface RegistryLike {
  readonly contentType: string;
  metrics(): Promise<string>;
  // biome-ignore lint/suspicious/noExplicitAny: prom-client's Metric union is not assignable from ours
  registerMetric(metric: any): void;
  removeSingleMetric(name: string): void;
  getSingleMetric(name: string): unknown;
  getMetricsAsArray(): readonly { name: string; type: unknown }[];
}

/** prom-client's `Registry.OPENMETRICS_CONTENT_TYPE`; core writes the same string. */
export const OPENMETRICS = CONTENT_TYPES.openmetrics;
export const PROMETHEUS = CONTENT_TYPES.prometheus;

/**
 * The name a metric's family has in OpenMetrics: counters lose `_total`, as prom-client's
 * `registry.metrics()` and core's exposition both do. Two metrics clash when these are equal, in
 * either format.
 */
export function familyKey(name: string, type: unknown): string {
  return type === 'counter' && name.endsWith('_total') ? name.slice(0, -6) : name;
}

/** True when `value` has what the bridge calls on a registry. */
export function isRegistry(value: unknown): value is RegistryLike {
  const r = value as Partial<RegistryLike> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.metrics === 'function' &&
    typeof r.registerMetric === 'function' &&
    typeof r.getMetricsAsArray === 'function' &&
    typeof r.contentType === 'string'
  );
}
