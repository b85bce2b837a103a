/// <reference types="node" />
import { createLens, instrument } from '@inferlens/core';
import { SimulatedEngine } from './engine.js';
import { type FakeServer, sendJson, startFakeServer } from './fake-http.js';
import {
  type LlamacppState,
  type LlamacppVersion,
  renderLlamacppMetrics,
} from './fake-llamacpp-metrics.js';
import { maxTokensOf, type OpenAIDialect, openAIRoute, promptOf } from './fake-openai.js';
import type { SimulatedEngineOptions } from './options.js';
import { countTokens } from './text.js';

/**
 * Options of {@link startFakeLlamacpp}; every field has a default.
 *
 * @example
 * const server = await startFakeLlamacpp({ alias: 'qwen2.5-0.5b', slots: 2 });
 */
export interface FakeLlamacppOptions {
  /** The `-m` path (default `/models/Llama-3.2-1B-Instruct-Q4_K_M.gguf`). */
  modelPath?: string;
  /** `--alias`: what `/v1/models` and `/props` call the model instead of the path. */
  alias?: string;
  /** Metric layout (default `current`); see {@link LlamacppVersion}. */
  version?: LlamacppVersion;
  /** `--parallel`: requests decoded together; the rest are deferred (default 4). */
  slots?: number;
  /** Serve `/v1/models` (default true); without it the model comes from `/props` only. */
  v1Models?: boolean;
  engine?: SimulatedEngineOptions;
  port?: number;
}

/**
 * What {@link startFakeLlamacpp} returns: the server, and the simulated engine(s) behind it.
 *
 * @example
 * const server = await startFakeLlamacpp(); await fetch(`${server.url}/metrics`);
 */
export interface FakeLlamacpp extends FakeServer {
  readonly engine: SimulatedEngine;
  /** The name `/v1/models` reports: the alias, else the model path. */
  readonly model: string;
}

const DIALECT: OpenAIDialect = {
  space: true,
  roleChunk: true,
  usageNull: false,
  id: (genId, chat) => `${chat ? 'chatcmpl-' : 'cmpl-'}${genId}`,
  error: (message) => ({ error: { code: 500, message, type: 'server_error' } }),
};

/**
 * A fake `llama-server --metrics` on 127.0.0.1 driven by a simulated engine with `slots` parallel
 * slots: `/metrics` in the chosen version's layout (no labels; `-nan` averages when idle in the
 * older ones), OpenAI-compatible chat and completions, `/v1/models`, `/props` and `/health`. Set
 * `server.fault` to make `/metrics` misbehave.
 *
 * @example
 * const llama = await startFakeLlamacpp({ version: 'mid-2025' });
 * console.log(await (await fetch(`${llama.url}/metrics`)).text()); // llamacpp:prompt_tokens_seconds -nan
 * await llama.close();
 */
export async function startFakeLlamacpp(options: FakeLlamacppOptions = {}): Promise<FakeLlamacpp> {
  const modelPath = options.modelPath ?? '/models/Llama-3.2-1B-Instruct-Q4_K_M.gguf';
  const model = options.alias ?? modelPath;
  const version = options.version ?? 'current';
  const slots = options.slots ?? 4;
  const engine = new SimulatedEngine({ seed: 21, maxBatch: slots, ...options.engine, model });
  const lens = createLens({ engine: 'llamacpp', clock: engine.now });
  instrument(engine, { lens, model });
  const nCtx = engine.options.kvBlocks * engine.options.blockSize;
  const state: LlamacppState = {
    handles: lens.handles(model),
    nCtx,
    nTokensMax: 0,
    window: { promptTokens: 0, promptSeconds: 0, genTokens: 0, genSeconds: 0 },
  };
  const route = (chat: boolean) =>
    openAIRoute(
      chat,
      DIALECT,
      { error: { code: 400, message: 'invalid JSON', type: 'invalid_request_error' } },
      (body, signal) => {
        const prompt = promptOf(body);
        const maxTokens = maxTokensOf(body);
        state.nTokensMax = Math.max(state.nTokensMax, countTokens(prompt) + maxTokens);
        return engine.generate({ prompt, maxTokens, signal });
      },
    );
  const routes: Parameters<typeof startFakeServer>[0]['routes'] = {
    'POST /v1/chat/completions': route(true),
    'POST /v1/completions': route(false),
    'GET /props': (_q, res) =>
      sendJson(res, 200, {
        default_generation_settings: { n_ctx: nCtx, params: { n_predict: -1 } },
        total_slots: slots,
        model_alias: model,
        model_path: modelPath,
        chat_template: '{{ messages }}',
        build_info: 'b6000-0000000',
      }),
    'GET /health': (_q, res) => sendJson(res, 200, { status: 'ok' }),
  };
  if (options.v1Models !== false)
    routes['GET /v1/models'] = (_q, res) =>
      sendJson(res, 200, {
        object: 'list',
        data: [
          {
            id: model,
            object: 'model',
            created: Math.floor(Date.now() / 1000),
            owned_by: 'llamacpp',
            meta: { n_ctx_train: nCtx },
          },
        ],
      });
  const server = await startFakeServer({
    port: options.port,
    contentType: 'text/plain; version=0.0.4',
    metricsText: () => renderLlamacppMetrics(state, version),
    routes,
    onClose: () => {
      engine.close();
      lens.close();
    },
  });
  return Object.assign(server, { engine, model });
}
