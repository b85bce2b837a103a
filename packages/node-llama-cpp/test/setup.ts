import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLens, type Lens } from '@inferlens/core';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';
import { loadModel, type TinyModelOptions, writeTinyModel } from '../src/index.js';

/** The engine of one test file: the CPU binary, one thread, a model written for the test. */
export interface TestEngine {
  llama: Llama;
  model: LlamaModel;
  lens: Lens;
  modelPath: string;
  close(): Promise<void>;
}

/**
 * getLlama with the prebuilt CPU binary only: `build: 'never'` fails instead of compiling, and
 * one thread, since ggml's workers busy-wait (4 threads on 2 cores took minutes per generation).
 */
export async function openEngine(options: TinyModelOptions = {}): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'inferlens-llama-'));
  const modelPath = writeTinyModel(join(dir, 'tiny.gguf'), options);
  const llama = await getLlama({
    gpu: false,
    build: 'never',
    skipDownload: true,
    maxThreads: 1,
    logLevel: 'error' as never,
  });
  const lens = createLens({ engine: 'node-llama-cpp' });
  const model = await loadModel({ lens, llama, modelPath, name: 'tiny' });
  return {
    llama,
    model,
    lens,
    modelPath,
    async close() {
      lens.close();
      await model.dispose();
      await llama.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
