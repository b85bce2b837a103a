// The application's door: what a server needs to record and expose the standard LLM metrics.
// Everything between @inferlens packages lives in `@inferlens/core/internal` (no semver promise).
export { isMetricPrefix } from './exposition.js';
export type { EngineEvents, Instrumentation, InstrumentOptions } from './instrument.js';
export { instrument } from './instrument.js';
export type { Lens, LensOptions, RequestOptions } from './lens.js';
export { createLens } from './lens.js';
export type { ModelLoad } from './model-lifecycle.js';
export {
  recordModelCacheLookup,
  recordModelLoad,
  recordModelLoadFailure,
  recordModelUnload,
} from './model-lifecycle.js';
export type { BucketCounts } from './quantile.js';
export { histogramQuantile } from './quantile.js';
export type { MetricId } from './schema/index.js';
export type { Series } from './series.js';
export type { TimeStreamOptions } from './stream.js';
export { timeStream } from './stream.js';
export type { FinishInfo, RequestTracker } from './tracker.js';
