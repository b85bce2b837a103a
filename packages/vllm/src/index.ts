// The application's door: the vLLM source and its adapter (for createAutoSource).
// Name tables and the normalizer live in `@inferlens/vllm/internal` (no semver promise).
export { vllmAdapter } from './adapter.js';
export { createVllmSource } from './source.js';
