/// <reference types="node" />
import type { ServerResponse } from 'node:http';
import { createLens, instrument, type Lens } from '@inferlens/core';
import { SimulatedEngine } from './engine.js';
import { oneTwoFive } from './fake-format.js';
import { type FakeServer, sendJson, startFakeServer } from './fake-http.js';
import {
  maxTokensOf,
  type OpenAIDialect,
  type OpenAIRequest,
  openAIRoute,
  promptOf,
} from './fake-openai.js';
import { renderVllmMetrics, type VllmNames } from './fake-vllm-metrics.js';
import type { SimulatedEngineOptions } from './options.js';

/**
 * Options of {@link startFakeVllm}; every field has a default.
 *
 * @example
 * const server = await startFakeVllm({ dataParallel: 2 });
 */
export interface FakeVllmOptions {
  /** Served model name (default `meta-llama/Llama-3.1-8B-Instruct`). */
  model?: string;
  /** Data-parallel ranks, each its own simulated engine and `engine="<rank>"` series (default 1). */
  dataParallel?: number;
  /** Which metric names to export (default `v1`); see {@link VllmNames}. */
  names?: VllmNames;
  /** Label series with the data-parallel rank `engine` (default true; vLLM before 0.10 did not). */
  engineLabel?: boolean;
  /** Emit prometheus_client's `_created` families (default true). */
  created?: boolean;
  /** Options of each rank's simulated engine (seeded per rank). */
  engine?: SimulatedEngineOptions;
  port?: number;
}

/**
 * What {@link startFakeVllm} returns: the server, and the simulated engine(s) behind it.
 *
 * @example
 * const server = await startFakeVllm(); await fetch(`${server.url}/metrics`);
 */
export interface FakeVllm extends FakeServer {
  readonly engines: readonly SimulatedEngine[];
}

/** vLLM's bucket families (buckets.py @139b1c3f; docs/engines.md, "vLLM", "Buckets"). */
const REQUEST_LATENCY = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
];
const TTFT = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
  160, 640, 2560,
];
const ITL = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
];
const ITERATION = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

const DIALECT: OpenAIDialect = {
  space: true,
  roleChunk: true,
  usageNull: false,
  id: (genId, chat) => `${chat ? 'chatcmpl-' : 'cmpl-'}${genId}`,
  // vLLM's ErrorResponse inside a stream (serving.py create_streaming_error_response).
  error: (message) => ({ error: { message, type: 'InternalServerError', param: null, code: 500 } }),
};

/**
 * A fake vLLM server on 127.0.0.1 driven by simulated engines, so its numbers move: `/metrics` in
 * vLLM's exact exposition, `/v1/chat/completions` and `/v1/completions` (streamed with
 * `data: {…}`, a role-only first chunk, `stream_options.include_usage`, `[DONE]`, in-stream error
 * events), `/v1/models`, `/health`. Set `server.fault` to make `/metrics` misbehave.
 *
 * @example
 * const vllm = await startFakeVllm({ dataParallel: 2 });
 * await fetch(`${vllm.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: vllm.model, prompt: 'Hi', max_tokens: 8 }) });
 * console.log(await (await fetch(`${vllm.url}/metrics`)).text());
 * await vllm.close();
 */
export async function startFakeVllm(
  options: FakeVllmOptions = {},
): Promise<FakeVllm & { model: string }> {
  const model = options.model ?? 'meta-llama/Llama-3.1-8B-Instruct';
  const n = options.dataParallel ?? 1;
  const ranks: { engine: SimulatedEngine; lens: Lens; rank: string | undefined }[] = [];
  for (let r = 0; r < n; r++) {
    const engine = new SimulatedEngine({ seed: 1 + r, ...options.engine, model });
    const tokens = oneTwoFive(engine.options.maxModelLen);
    const lens = createLens({
      engine: 'vllm',
      clock: engine.now,
      buckets: {
        e2eRequestLatency: REQUEST_LATENCY,
        requestQueueTime: REQUEST_LATENCY,
        requestInferenceTime: REQUEST_LATENCY,
        requestPrefillTime: REQUEST_LATENCY,
        requestDecodeTime: REQUEST_LATENCY,
        timeToFirstToken: TTFT,
        interTokenLatency: ITL,
        timePerOutputToken: ITL,
        iterationTokens: ITERATION,
        requestPromptTokens: tokens,
        requestGenerationTokens: tokens,
      },
    });
    instrument(engine, { lens, model });
    ranks.push({ engine, lens, rank: options.engineLabel === false ? undefined : String(r) });
  }
  const created = options.created === false ? undefined : Date.now() / 1000;
  let next = 0;
  const start = (body: OpenAIRequest, signal: AbortSignal) => {
    const rank = ranks[next++ % ranks.length]!;
    return rank.engine.generate({ prompt: promptOf(body), maxTokens: maxTokensOf(body), signal });
  };
  const wrongModel = (body: OpenAIRequest, res: ServerResponse): boolean => {
    if (body.model === model) return false;
    sendJson(res, 404, {
      error: {
        message: `The model \`${body.model}\` does not exist.`,
        type: 'NotFoundError',
        param: 'model',
        code: 404,
      },
    });
    return true;
  };
  const badJson = {
    error: { message: 'invalid JSON', type: 'BadRequestError', param: null, code: 400 },
  };
  const route = (chat: boolean) => openAIRoute(chat, DIALECT, badJson, start, wrongModel);
  const server = await startFakeServer({
    port: options.port,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    metricsText: () => renderVllmMetrics(model, ranks, options.names ?? 'v1', created),
    routes: {
      'POST /v1/chat/completions': route(true),
      'POST /v1/completions': route(false),
      'GET /v1/models': (_q, res) =>
        sendJson(res, 200, {
          object: 'list',
          data: [{ id: model, object: 'model', owned_by: 'vllm' }],
        }),
      'GET /health': (_q, res) => void res.writeHead(200).end(),
    },
    onClose: () => {
      for (const r of ranks) {
        r.engine.close();
        r.lens.close();
      }
    },
  });
  return Object.assign(server, { engines: ranks.map((r) => r.engine), model });
}
