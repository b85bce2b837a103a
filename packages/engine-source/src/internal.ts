/**
 * `@inferlens/engine-source/internal`: what the engine packages (`@inferlens/vllm`, `tgi`, `sglang`,
 * `llamacpp`) and the CLI build on: the generic source, sample index, snapshot builder, SSE decoder,
 * stream timer and fetch limits. For @inferlens packages only; no semver promise: any of it may
 * change in a minor or patch release. Applications use `@inferlens/engine-source`.
 *
 * It holds every name of the public entry too, so a package needs one import line.
 */
export type { AutoSource, AutoSourceOptions, AutoTarget, AutoTargetStatus } from './auto.js';
export { createAutoSource } from './auto.js';
export type { ChunkReading } from './chunks.js';
export {
  errorTypeOf,
  mapFinishReason,
  readLlamacppEvent,
  readOpenAIChunk,
  readSglangEvent,
  readTgiEvent,
} from './chunks.js';
export type { Detection } from './detect.js';
export { detectEngine } from './detect.js';
export type { DropReason, Drops } from './drops.js';
export { DROP_REASONS, STANDARD_ROWS } from './drops.js';
export type { FetchLimits, FetchOutcome, ScrapeErrorReason } from './fetch.js';
export { fetchText } from './fetch.js';
export { histogramDelta, quantileOf } from './quantile.js';
export type { ScrapedHistogram } from './samples.js';
export { SampleIndex } from './samples.js';
export type {
  MirroredHistogram,
  MirroredSeries,
  MirrorSource,
  SeriesKey,
  Snapshot,
} from './snapshot.js';
export { SnapshotBuilder } from './snapshot.js';
export type { EngineSource, EngineSourceOptions, TargetOptions } from './source.js';
export { createEngineSource } from './source.js';
export type { SseEvent } from './sse.js';
export { SseDecoder } from './sse.js';
export type { StreamProtocol, StreamTimingOptions } from './stream.js';
export { StreamTimer, streamErrorType, timeChunks, timeSse, timeSseBytes } from './stream.js';
export type { NameTable, NameTables } from './tables.js';
export { firstPresent, mapByName } from './tables.js';
export type {
  EngineAdapter,
  SourceError,
  SourceErrorReason,
  TargetContext,
  TargetStatus,
} from './target.js';
