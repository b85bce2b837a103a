export { schema, metricIds, labelNamesOf, LLM_LABELS, OTEL_LABELS } from './schema.js';
export type { MetricDefinition, MetricId, MetricKind, LabelScope, Schema } from './schema.js';
export { Store, Family, OVERFLOW_LABEL, DEFAULT_SERIES_LIMIT } from './store.js';
export type { StoreOptions } from './store.js';
export { CounterSeries, GaugeSeries, HistogramSeries } from './series.js';
export type { Series } from './series.js';
export { render, negotiate, formatValue, CONTENT_TYPES } from './exposition.js';
export type { ExpositionFormat } from './exposition.js';
export { Lens, createLens } from './lens.js';
export type { LensOptions, LabelsOf, ScrapeResult } from './lens.js';
export { ModelHandles } from './handles.js';
export { RequestTracker } from './tracker.js';
export type { FinishInfo, DropReason } from './tracker.js';
export { instrument, recordStats } from './instrument.js';
export type {
  EngineEvents,
  EngineEventName,
  EventSource,
  InstrumentOptions,
  Instrumentation,
  RequestId,
  SchedulerStats,
} from './instrument.js';
export { timeStream } from './stream.js';
export type { TimeStreamOptions } from './stream.js';
