import type { MetricId } from './schema/index.js';

/**
 * An engine's own histogram, kept with the engine's buckets: re-bucketing is lossy, so mirrored
 * histograms are shown as the engine reported them.
 */
export interface MirroredHistogram {
  /** Upper bounds without +Inf. */
  readonly bounds: readonly number[];
  /** Cumulative counts: one per bound, then the +Inf bucket. */
  readonly cumulative: readonly number[];
  /** Undefined when the engine sent no `_sum`. */
  readonly sum: number | undefined;
  readonly count: number;
}

/** One series another system measured (a vLLM or TGI replica), shown under a schema metric. */
export interface MirroredSeries {
  /**
   * Label pairs in exposition order: the row's labels (`model_name`, `engine`, …), then the
   * source's own (`target`, `dp_rank`). The store adds its constant labels after them.
   */
  readonly labels: readonly (readonly [name: string, value: string])[];
  readonly value: number | MirroredHistogram;
}

/**
 * Something that holds series the store does not record itself, read at collection time by every
 * way out (text exposition, prom-client, OpenTelemetry). Engine sources implement it.
 *
 * @example
 * const detach = lens.store.addMirror({ mirrored: (id) => (id === 'kvCacheUsage' ? kvSeries : undefined) });
 */
export interface MirrorSource {
  /** The series to show under metric `id` now; undefined or empty for none. Must not throw. */
  mirrored(id: MetricId): readonly MirroredSeries[] | undefined;
}
