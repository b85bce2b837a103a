/**
 * `@inferlens/core/internal`: the surface between @inferlens packages (the store, series classes,
 * renderers, schema tables, setup-error helper). For @inferlens packages only; no semver promise:
 * any of it may change in a minor or patch release. Applications use `@inferlens/core`.
 *
 * It holds every name of the public entry too, so a package needs one import line.
 */

export { ChunkPool } from './byte-sink.js';
export { setupError } from './errors.js';
export type { ExpositionFormat, RenderOptions } from './exposition.js';
export { CONTENT_TYPES, formatValue, isMetricPrefix, negotiate, render } from './exposition.js';
export type { StreamOptions } from './exposition-stream.js';
export { renderBytes, renderStream, renderTextStream } from './exposition-stream.js';
export type { ModelHandles } from './handles.js';
export type {
  EngineEventName,
  EngineEvents,
  EventSource,
  Instrumentation,
  InstrumentOptions,
  RequestId,
  SchedulerStats,
} from './instrument.js';
export { ENGINE_EVENTS, instrument, recordStats } from './instrument.js';
export {
  CUT_MARKER,
  cutLabelValue,
  DEFAULT_MAX_LABEL_VALUE_BYTES,
} from './label-bound.js';
export type { ExtraLabels } from './labels.js';
export type {
  ExtraLabelsOf,
  LabelsOf,
  Lens,
  LensOptions,
  RequestOptions,
  ScrapeResult,
  ScrapeStream,
} from './lens.js';
export { createLens } from './lens.js';
export type { MirroredHistogram, MirroredSeries, MirrorSource } from './mirror.js';
export type { ModelLoad } from './model-lifecycle.js';
export {
  recordModelCacheLookup,
  recordModelLoad,
  recordModelLoadFailure,
  recordModelUnload,
} from './model-lifecycle.js';
export type { BucketCounts } from './quantile.js';
export { histogramQuantile } from './quantile.js';
export type { LabelScope, MetricDefinition, MetricId, MetricKind, Schema } from './schema/index.js';
export {
  LLM_LABELS,
  labelNamesOf,
  metricIds,
  OTEL_LABELS,
  SUMMARY_DEFAULTS,
  schema,
} from './schema/index.js';
export type {
  CounterSeries,
  Exemplar,
  GaugeSeries,
  HistogramSeries,
  Series,
  SummarySeries,
} from './series.js';
export type { SummaryWindow } from './sketch.js';
export type { Family, FamilySettings, StoreOptions, SummaryOptions } from './store.js';
export { DEFAULT_SERIES_LIMIT, OVERFLOW_LABEL, Store } from './store.js';
export type { TimeStreamOptions } from './stream.js';
export { timeStream } from './stream.js';
export { StreamOutcome } from './stream-outcome.js';
export type { DropReason, FinishInfo, PromptUsage, RequestTracker } from './tracker.js';
export { DROP_REASONS } from './tracker.js';
