/**
 * `@inferlens/vllm/internal`: the vLLM name tables and normalizer the CLI and tests read. For
 * @inferlens packages only; no semver promise. Applications use `@inferlens/vllm`.
 */
export { normalizeVllm, vllmAdapter } from './adapter.js';
export { VLLM_COUNTERS, VLLM_GAUGES, VLLM_HISTOGRAMS, VLLM_REQUEST_SUCCESS } from './names.js';
export { createVllmSource } from './source.js';
