export { normalizeVllm, vllmAdapter } from './adapter.js';
export { VLLM_COUNTERS, VLLM_GAUGES, VLLM_HISTOGRAMS, VLLM_REQUEST_SUCCESS } from './names.js';
export { createVllmSource } from './source.js';
