/**
 * `@inferlens/sglang/internal`: the SGLang name tables and normalizer the CLI and tests read. For
 * @inferlens packages only; no semver promise. Applications use `@inferlens/sglang`.
 */
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
