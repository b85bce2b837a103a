/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimulatedEngine } from './engine.js';
import { type FakeServer, sendJson, sseEvent, startFakeServer } from './fake-http.js';
import { type OpenAIDialect, type OpenAIRequest, promptOf, serveOpenAI } from './fake-openai.js';
import { TgiMetrics } from './fake-tgi-metrics.js';
import type { Generation } from './generation.js';
import type { SimulatedEngineOptions } from './options.js';
import { countTokens } from './text.js';

/** `/info` as TGI answered it: `v3` (v2.3.0 and later), `v2.2` (v2.1–v2.2), `v2.0` (`max_input_length`). */
export type TgiInfoShape = 'v3' | 'v2.2' | 'v2.0';

/**
 * Options of {@link startFakeTgi}; every field has a default.
 *
 * @example
 * const server = await startFakeTgi({ infoShape: 'v2.0' });
 */
export interface FakeTgiOptions {
  /** Model id in `/info` (default `teknium/OpenHermes-2.5-Mistral-7B`, as in the real capture). */
  model?: string;
  infoShape?: TgiInfoShape;
  /** Limits in `/info` and the bucket sets that depend on them (default 511 / 512, as captured). */
  maxInputTokens?: number;
  maxTotalTokens?: number;
  /** Send a keep-alive comment (`:`) before the first event, as axum's KeepAlive does when idle. */
  keepAlive?: boolean;
  engine?: SimulatedEngineOptions;
  port?: number;
}

/**
 * What {@link startFakeTgi} returns: the server, and the simulated engine(s) behind it.
 *
 * @example
 * const server = await startFakeTgi(); await fetch(`${server.url}/metrics`);
 */
export interface FakeTgi extends FakeServer {
  readonly engine: SimulatedEngine;
  readonly model: string;
}

function info(
  o: Required<Pick<FakeTgiOptions, 'model' | 'infoShape' | 'maxInputTokens' | 'maxTotalTokens'>>,
): unknown {
  const common = {
    model_id: o.model,
    model_sha: 'a3ea0f5c5a2b1e4cf8e1d0c7b0ed24e2ed0f7d2a',
    model_pipeline_tag: 'text-generation',
    max_concurrent_requests: 128,
    max_best_of: 2,
    max_stop_sequences: 4,
    max_total_tokens: o.maxTotalTokens,
    validation_workers: 2,
    max_client_batch_size: 4,
    router: 'text-generation-router',
    sha: 'db931fcf42da018a3657580c64bf2720f167f9ab',
  };
  if (o.infoShape === 'v3')
    return {
      ...common,
      max_input_tokens: o.maxInputTokens,
      version: '3.3.5',
      docker_label: 'sha-db931fc',
    };
  // Fields removed in v2.3.0 (#2331); before v2.1.0 max_input_tokens was max_input_length.
  const old = {
    ...common,
    model_dtype: 'torch.float16',
    model_device_type: 'cuda',
    waiting_served_ratio: 0.3,
    max_batch_total_tokens: 16000,
    max_waiting_tokens: 20,
    max_batch_size: null,
    docker_label: null,
  };
  return o.infoShape === 'v2.2'
    ? { ...old, max_input_tokens: o.maxInputTokens, version: '2.2.0' }
    : { ...old, max_input_length: o.maxInputTokens, version: '2.0.3' };
}

const CHAT: OpenAIDialect = {
  space: false,
  roleChunk: false,
  usageNull: true,
  id: () => '',
  extra: { system_fingerprint: '3.3.5-native' },
  // TGI hard-codes 422 in streamed errors (infer/mod.rs:445-466).
  error: (message) => ({ error: { message, http_status_code: 422 } }),
};

/**
 * A fake TGI server on 127.0.0.1 driven by a simulated engine: `/metrics` in TGI's exact
 * exposition, `/info` in the shape of the chosen version, `/generate_stream` (`data:{…}` with no
 * space, one token per event, `generated_text` and `details` on the last), `/v1/chat/completions`
 * (which counts `tgi_request_count` twice, as TGI does, #1901) and `/health`. Validation errors
 * arrive as HTTP 200 plus an error event; `x-fake-error-after: N` injects a generation error.
 *
 * @example
 * const tgi = await startFakeTgi({ infoShape: 'v2.0' });
 * const res = await fetch(`${tgi.url}/generate_stream`, { method: 'POST', body: JSON.stringify({ inputs: 'Hi', parameters: { max_new_tokens: 8, details: true } }) });
 * console.log(await res.text());
 * await tgi.close();
 */
export async function startFakeTgi(options: FakeTgiOptions = {}): Promise<FakeTgi> {
  const o = {
    model: options.model ?? 'teknium/OpenHermes-2.5-Mistral-7B',
    infoShape: options.infoShape ?? 'v3',
    maxInputTokens: options.maxInputTokens ?? 511,
    maxTotalTokens: options.maxTotalTokens ?? 512,
  };
  const engine = new SimulatedEngine({ ...options.engine, model: o.model });
  const metrics = new TgiMetrics(engine, o.maxInputTokens, o.maxTotalTokens);
  const tgi: Tgi = { engine, metrics, limits: o, keepAlive: options.keepAlive === true };
  const server = await startFakeServer({
    port: options.port,
    contentType: 'text/plain',
    metricsText: () => metrics.render(),
    routes: {
      'GET /info': (_q, res) => sendJson(res, 200, info(o)),
      'GET /health': (_q, res) => void res.writeHead(200).end(),
      'POST /generate_stream': (req, res, raw) => generateStream(tgi, req, res, raw),
      'POST /v1/chat/completions': (req, res, raw) => chat(tgi, req, res, raw),
    },
    onClose: () => engine.close(),
  });
  return Object.assign(server, { engine, model: o.model });
}

/** What the fake's routes share: the engine, TGI's metrics and the configured token limits. */
interface Tgi {
  engine: SimulatedEngine;
  metrics: TgiMetrics;
  limits: { model: string; maxInputTokens: number; maxTotalTokens: number };
  keepAlive: boolean;
}

/** TGI's input validation messages (router/src/validation.rs), or undefined when the input fits. */
function inputError(tgi: Tgi, prompt: string, maxNew: number): string | undefined {
  const { maxInputTokens, maxTotalTokens } = tgi.limits;
  const n = countTokens(prompt);
  if (n > maxInputTokens)
    return `Input validation error: \`inputs\` must have less than ${maxInputTokens} tokens. Given: ${n}`;
  if (n + maxNew > maxTotalTokens)
    return `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= ${maxTotalTokens}. Given: ${n} \`inputs\` tokens and ${maxNew} \`max_new_tokens\``;
  return undefined;
}

const badJson = (res: ServerResponse) =>
  sendJson(res, 422, { error: 'Failed to deserialize the JSON body', error_type: 'validation' });

type GenerateBody = {
  inputs?: string;
  parameters?: { max_new_tokens?: number; details?: boolean };
};

/** `POST /generate_stream`: TGI's native token events; validation errors arrive as 200 + an event. */
async function generateStream(tgi: Tgi, req: IncomingMessage, res: ServerResponse, raw: string) {
  const start = tgi.engine.now();
  tgi.metrics.inc('tgi_request_count');
  let body: GenerateBody;
  try {
    body = JSON.parse(raw);
  } catch {
    return badJson(res);
  }
  const prompt = String(body.inputs ?? '');
  const maxNew = body.parameters?.max_new_tokens ?? 20;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  if (tgi.keepAlive) res.write(':\n\n');
  const invalid = inputError(tgi, prompt, maxNew);
  if (invalid) {
    tgi.metrics.inc('tgi_request_failure', 'err="validation"');
    const event = JSON.stringify({ error: invalid, error_type: 'validation' });
    return void res.end(sseEvent(event, false));
  }
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const gen = tgi.engine.generate({ prompt, maxTokens: maxNew, signal: abort.signal });
  tgi.metrics.accepted(gen.id, start, tgi.engine.now(), gen.promptTokens, maxNew);
  const failAfter = Number(req.headers['x-fake-error-after'] ?? Number.NaN);
  try {
    await writeTokens(gen, res, body.parameters?.details === true, failAfter);
  } catch (error) {
    gen.abort();
    const message = error instanceof Error ? error.message : String(error);
    res.write(sseEvent(JSON.stringify({ error: message, error_type: 'generation' }), false));
  }
  res.end();
}

/** One TGI token event per output; the last carries the text and, when asked, the details. */
async function writeTokens(
  gen: Generation,
  res: ServerResponse,
  withDetails: boolean,
  failAfter: number,
): Promise<void> {
  let text = '';
  let index = 0;
  for await (const c of gen) {
    if (index === failAfter) throw new Error('Request failed during generation: injected');
    index++;
    text += c.text;
    const last = c.finishReason !== undefined;
    const details =
      last && withDetails
        ? {
            finish_reason: c.finishReason === 'stop' ? 'eos_token' : 'length',
            generated_tokens: index,
            seed: null,
            input_length: gen.promptTokens,
          }
        : null;
    const token = {
      id: 1000 + ((index * 7919) % 30000),
      text: c.text,
      logprob: -0.5,
      special: false,
    };
    const event = { index, token, generated_text: last ? text : null, details };
    res.write(sseEvent(JSON.stringify(event), false));
  }
}

/** `POST /v1/chat/completions`: TGI's OpenAI-compatible route; validation errors are a 422. */
async function chat(tgi: Tgi, req: IncomingMessage, res: ServerResponse, raw: string) {
  const start = tgi.engine.now();
  // The chat handler counts the request, then generate_stream_internal counts it again.
  tgi.metrics.inc('tgi_request_count', '', 2);
  let body: OpenAIRequest;
  try {
    body = JSON.parse(raw) as OpenAIRequest;
  } catch {
    return badJson(res);
  }
  const maxNew = body.max_tokens ?? 20;
  const invalid = inputError(tgi, promptOf(body), maxNew);
  if (invalid) {
    tgi.metrics.inc('tgi_request_failure', 'err="validation"');
    return sendJson(res, 422, { error: invalid, error_type: 'validation' });
  }
  const request = { ...body, model: body.model ?? tgi.limits.model };
  const generate = (signal: AbortSignal) => {
    const gen = tgi.engine.generate({ prompt: promptOf(body), maxTokens: maxNew, signal });
    tgi.metrics.accepted(gen.id, start, tgi.engine.now(), gen.promptTokens, maxNew);
    return gen;
  };
  await serveOpenAI(req, res, request, true, generate, CHAT);
}
