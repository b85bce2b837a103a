/**
 * `@inferlens/llamacpp/internal`: the llama.cpp name tables and normalizer the CLI and tests read. For
 * @inferlens packages only; no semver promise. Applications use `@inferlens/llamacpp`.
 */
export { llamacppAdapter, normalizeLlamacpp } from './adapter.js';
export { modelFromModels, modelFromProps } from './model.js';
export {
  LLAMACPP_GAUGES,
  LLAMACPP_GENERATED,
  LLAMACPP_PROMPT,
  LLAMACPP_PROMPT_CACHED,
} from './names.js';
export { createLlamacppSource } from './source.js';
