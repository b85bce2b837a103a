import { type Lens, recordModelLoad, recordModelLoadFailure } from '@inferlens/core';
import type { Llama, LlamaModel, LlamaModelOptions } from 'node-llama-cpp';
import { errorTypeOf } from './finish.js';

/**
 * `llama.loadModel(options)`, recorded in one call: load time (`llm_model_load_time_seconds`),
 * the memory the model holds (`llm_model_memory_bytes`, node-llama-cpp's `model.size`) and
 * `llm_model_info` with its training context length; a load that throws is counted in
 * `llm_model_load_failures_total{error_type}` and rethrown.
 *
 * @example
 * const model = await loadModel({ lens, llama, name: 'qwen2.5-0.5b', modelPath });
 */
export async function loadModel(
  options: LlamaModelOptions & { lens: Lens; llama: Llama; name?: string },
): Promise<LlamaModel> {
  const { lens, llama, name, ...load } = options;
  const start = performance.now();
  let model: LlamaModel;
  try {
    model = await llama.loadModel(load);
  } catch (error) {
    recordModelLoadFailure(lens, name || load.modelPath || 'unknown', errorTypeOf(error));
    throw error;
  }
  recordModelLoad(lens, {
    model: name || model.filename || 'unknown',
    seconds: (performance.now() - start) / 1000,
    memoryBytes: model.size,
    contextLength: model.trainContextSize,
  });
  return model;
}
