export type {
  EngineSource,
  EngineSourceOptions,
  SseEvent,
  StreamProtocol,
  StreamTimingOptions,
  TargetOptions,
  TargetStatus,
} from '@inferlens/engine-source';
export {
  readOpenAIChunk,
  SseDecoder,
  StreamTimer,
  timeChunks,
  timeSse,
  timeSseBytes,
} from '@inferlens/engine-source';
export { normalizeVllm, vllmAdapter } from './adapter.js';
export { VLLM_COUNTERS, VLLM_GAUGES, VLLM_HISTOGRAMS, VLLM_REQUEST_SUCCESS } from './names.js';
export { createVllmSource } from './source.js';
