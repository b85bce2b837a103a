/**
 * `@inferlens/tgi/internal`: the TGI name tables and normalizer the CLI and tests read. For
 * @inferlens packages only; no semver promise. Applications use `@inferlens/tgi`.
 */
export { normalizeTgi, tgiAdapter } from './adapter.js';
export type { TgiInfo } from './info.js';
export { readTgiInfo } from './info.js';
export {
  TGI_FAILURE,
  TGI_FAILURE_KINDS,
  TGI_GAUGES,
  TGI_HISTOGRAMS,
  TGI_SUCCESS,
  TGI_TOKEN_SUMS,
  TGI_TTFT_PROXY,
} from './names.js';
export { PROXY_WINDOW_MS, TtftProxy } from './proxy.js';
export type { TgiSource } from './source.js';
export { createTgiSource } from './source.js';
