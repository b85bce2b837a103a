// The application's door: the TGI source and its adapter (for createAutoSource).
// Name tables and the normalizer live in `@inferlens/tgi/internal` (no semver promise).
export { tgiAdapter } from './adapter.js';
export type { TgiInfo } from './info.js';
export type { TgiSource } from './source.js';
export { createTgiSource } from './source.js';
