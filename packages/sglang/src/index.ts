export { normalizeSglang, sglangAdapter } from './adapter.js';
export {
  SGLANG_CACHE_HIT_RATE,
  SGLANG_CACHED_TOKENS,
  SGLANG_COUNTERS,
  SGLANG_GAUGES,
  SGLANG_HISTOGRAMS,
  SGLANG_REQUESTS,
} from './names.js';
export { createSglangSource } from './source.js';
