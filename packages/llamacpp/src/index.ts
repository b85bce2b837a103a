// The application's door: the llama.cpp source and its adapter (for createAutoSource).
// Name tables and the normalizer live in `@inferlens/llamacpp/internal` (no semver promise).
export { llamacppAdapter } from './adapter.js';
export { createLlamacppSource } from './source.js';
