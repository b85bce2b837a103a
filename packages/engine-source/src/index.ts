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
