/// <reference types="node" />
import { createLens, instrument, type Lens } from '@inferlens/core';
import { SimulatedEngine } from './engine.js';
import { oneTwoFive } from './fake-format.js';
import { type FakeServer, sendJson, startFakeServer } from './fake-http.js';
import { maxTokensOf, type OpenAIDialect, openAIRoute, promptOf } from './fake-openai.js';
import {
  renderSglangMetrics,
  SGLANG_BUCKETS,
  type SglangRank,
  type SglangVersion,
} from './fake-sglang-metrics.js';
import type { SimulatedEngineOptions } from './options.js';

/**
 * Options of {@link startFakeSglang}; every field has a default.
 *
 * @example
 * const server = await startFakeSglang({ dataParallel: 2 });
 */
export interface FakeSglangOptions {
  /** Served model name (default `meta-llama/Llama-3.1-8B-Instruct`, as in SGLang's doc example). */
  model?: string;
  /** Metric layout (default `current`); see {@link SglangVersion}. */
  version?: SglangVersion;
  /** Data-parallel ranks (`current` labels scheduler series with `dp_rank`; default 1). */
  dataParallel?: number;
  engine?: SimulatedEngineOptions;
  port?: number;
}

/**
 * What {@link startFakeSglang} returns: the server, and the simulated engine(s) behind it.
 *
 * @example
 * const server = await startFakeSglang(); await fetch(`${server.url}/metrics`);
 */
export interface FakeSglang extends FakeServer {
  readonly engines: readonly SimulatedEngine[];
  readonly model: string;
}

const DIALECT: OpenAIDialect = {
  space: true,
  roleChunk: true,
  usageNull: true,
  id: (genId) => genId.replace(/[^a-z0-9]/gi, ''),
  error: (message) => ({ error: { message, type: 'InternalServerError', code: 500 } }),
};

/**
 * A fake SGLang server (`--enable-metrics`) on 127.0.0.1 driven by simulated engines: `/metrics` in
 * the layout of the chosen version, OpenAI-compatible `/v1/chat/completions` and
 * `/v1/completions`, `/v1/models`, `/get_model_info` and `/health`. Set `server.fault` to make
 * `/metrics` misbehave.
 *
 * @example
 * const sglang = await startFakeSglang({ version: 'v0.3' });
 * console.log(await (await fetch(`${sglang.url}/metrics`)).text()); // sglang:cache_hit_rate in percent
 * await sglang.close();
 */
export async function startFakeSglang(options: FakeSglangOptions = {}): Promise<FakeSglang> {
  const model = options.model ?? 'meta-llama/Llama-3.1-8B-Instruct';
  const version = options.version ?? 'current';
  const n = options.dataParallel ?? 1;
  const ranks: (SglangRank & { engine: SimulatedEngine; lens: Lens })[] = [];
  for (let r = 0; r < n; r++) {
    const engine = new SimulatedEngine({ seed: 11 + r, ...options.engine, model });
    const tokens = oneTwoFive(engine.options.maxModelLen);
    const buckets =
      version === 'v0.3'
        ? { requestPromptTokens: tokens, requestGenerationTokens: tokens }
        : SGLANG_BUCKETS[version];
    const lens = createLens({ engine: 'sglang', clock: engine.now, buckets });
    instrument(engine, { lens, model });
    ranks.push({
      engine,
      lens,
      handles: lens.handles(model),
      rank: n > 1 ? String(r) : undefined,
      poolTokens: engine.options.kvBlocks * engine.options.blockSize,
    });
  }
  let next = 0;
  const route = (chat: boolean) =>
    openAIRoute(
      chat,
      DIALECT,
      { object: 'error', message: 'invalid JSON', code: 400 },
      (body, signal) => {
        const rank = ranks[next++ % ranks.length]!;
        return rank.engine.generate({
          prompt: promptOf(body),
          maxTokens: maxTokensOf(body),
          signal,
        });
      },
    );
  const server = await startFakeServer({
    port: options.port,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    metricsText: () => renderSglangMetrics(model, ranks, version),
    routes: {
      'POST /v1/chat/completions': route(true),
      'POST /v1/completions': route(false),
      'GET /v1/models': (_q, res) =>
        sendJson(res, 200, {
          object: 'list',
          data: [{ id: model, object: 'model', owned_by: 'sglang', root: model }],
        }),
      'GET /get_model_info': (_q, res) =>
        sendJson(res, 200, { model_path: model, tokenizer_path: model, is_generation: true }),
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
