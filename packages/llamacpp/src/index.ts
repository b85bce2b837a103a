export { llamacppAdapter, normalizeLlamacpp } from './adapter.js';
export { modelFromModels, modelFromProps } from './model.js';
export {
  LLAMACPP_GAUGES,
  LLAMACPP_GENERATED,
  LLAMACPP_PROMPT,
  LLAMACPP_PROMPT_CACHED,
} from './names.js';
export { createLlamacppSource } from './source.js';
