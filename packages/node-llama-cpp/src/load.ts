import type { Lens } from '@inferlens/core';
import type { Llama, LlamaModel, LlamaModelOptions } from 'node-llama-cpp';

/**
 * `llama.loadModel(options)`, timed into `llm_model_load_time_seconds{model_name}`.
 *
 * @example
 * const model = await loadModel({ lens, llama, name: 'qwen2.5-0.5b', modelPath });
 */
export async function loadModel(
  options: LlamaModelOptions & { lens: Lens; llama: Llama; name?: string },
): Promise<LlamaModel> {
  const { lens, llama, name, ...load } = options;
  const start = performance.now();
  const model = await llama.loadModel(load);
  const seconds = (performance.now() - start) / 1000;
  const label = name || model.filename || 'unknown';
  lens.series('modelLoadTime', { model_name: label }).set(seconds);
  return model;
}
