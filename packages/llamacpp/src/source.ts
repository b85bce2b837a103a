import {
  createEngineSource,
  type EngineSource,
  type EngineSourceOptions,
} from '@inferlens/engine-source/internal';
import { llamacppAdapter } from './adapter.js';

/**
 * Scrapes one or more llama.cpp servers' `/metrics` (`llama-server --metrics`) and shows their
 * data under the standard `llm_*` names, labelled `engine="llamacpp"` and `target`. llama.cpp has
 * no labels: `model_name` is the target's `model` option, else what `/v1/models` or `/props`
 * says. A server started without `--metrics` answers 501 and is reported as `http_error`.
 *
 * @example
 * import { createLens } from '@inferlens/core';
 * import { createLlamacppSource } from '@inferlens/llamacpp';
 *
 * const lens = createLens({ engine: 'llamacpp' });
 * createLlamacppSource({ lens, targets: ['http://10.0.0.9:8080'] });
 * const { contentType, body } = await lens.scrape('text/plain');
 */
export function createLlamacppSource(options: EngineSourceOptions): EngineSource {
  return createEngineSource(llamacppAdapter, options);
}
