import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Lens } from '@inferlens/core';
import {
  instrumentLlama,
  LlamaScheduler,
  loadModel,
  writeTinyModel,
} from '@inferlens/node-llama-cpp';
import { getLlama, type Llama, type LlamaContext, type LlamaModel } from 'node-llama-cpp';

export interface EngineOptions {
  lens: Lens;
  model?: string | undefined;
  name?: string | undefined;
  sequences: number;
  contextSize: number;
  threads: number;
}

/** The served model: llama.cpp on the CPU, one context, a FIFO scheduler over its sequences. */
export interface LlamaEngine {
  name: string;
  model: LlamaModel;
  context: LlamaContext;
  scheduler: LlamaScheduler;
  /** What `/status` shows about the model. */
  facts(): Record<string, unknown>;
  close(): Promise<void>;
}

/**
 * Loads the model (or writes the tiny random-weight one), creates the context and instruments it.
 *
 * @example
 * const engine = await openLlamaEngine({ lens, sequences: 4, contextSize: 256, threads: 1 });
 */
export async function openLlamaEngine(options: EngineOptions): Promise<LlamaEngine> {
  let dir: string | undefined;
  let path = options.model;
  if (path === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'llama-server-'));
    path = writeTinyModel(join(dir, 'inferlens-tiny.gguf'));
  }
  const name = options.name ?? basename(path).replace(/\.gguf$/i, '');
  // The prebuilt CPU binary only: `build: 'never'` fails rather than compiling llama.cpp.
  const llama: Llama = await getLlama({
    gpu: false,
    build: 'never',
    skipDownload: true,
    maxThreads: options.threads,
    logLevel: 'error' as never,
  });
  const started = performance.now();
  const model = await loadModel({ lens: options.lens, llama, modelPath: path, name });
  const loadSeconds = (performance.now() - started) / 1000;
  const context = await model.createContext({
    contextSize: options.contextSize,
    sequences: options.sequences,
    threads: options.threads,
  });
  const instrumentation = instrumentLlama({ lens: options.lens, context, model: name });
  const scheduler = new LlamaScheduler({ context });
  const general = model.fileInfo.metadata?.general;
  return {
    name,
    model,
    context,
    scheduler,
    facts: () => ({
      name,
      file: basename(path),
      architecture: general?.architecture ?? null,
      sizeBytes: model.size,
      parameters: general?.size_label ?? null,
      trainContextSize: model.trainContextSize,
      contextSize: context.contextSize,
      sequences: context.totalSequences,
      threads: context.currentThreads,
      gpu: llama.gpu,
      loadSeconds,
      kvCacheUsage: instrumentation.kvCacheUsage(),
      queue: { running: scheduler.running, waiting: scheduler.waiting },
    }),
    async close() {
      instrumentation.stop();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
