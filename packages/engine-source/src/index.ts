// The application's door: scrape engines into the standard series, and time their streams.
// The machinery engine packages build on lives in `@inferlens/engine-source/internal`
// (no semver promise).
export type { AutoSource, AutoSourceOptions, AutoTarget, AutoTargetStatus } from './auto.js';
export { createAutoSource } from './auto.js';
export { readOpenAIChunk } from './chunks.js';
export type { Detection } from './detect.js';
export { detectEngine } from './detect.js';
export type { EngineSource, EngineSourceOptions, TargetOptions } from './source.js';
export { createEngineSource } from './source.js';
export type { StreamProtocol, StreamTimingOptions } from './stream.js';
export { timeChunks, timeSse, timeSseBytes } from './stream.js';
export type { EngineAdapter, SourceError, SourceErrorReason, TargetStatus } from './target.js';
