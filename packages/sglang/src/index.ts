// The application's door: the SGLang source and its adapter (for createAutoSource).
// Name tables and the normalizer live in `@inferlens/sglang/internal` (no semver promise).
export { sglangAdapter } from './adapter.js';
export { createSglangSource } from './source.js';
