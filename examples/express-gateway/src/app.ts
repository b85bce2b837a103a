import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLens, instrument } from '@inferlens/core';
import { inferlens, inferlensEndpoints } from '@inferlens/express';
import { SimulatedEngine } from '@inferlens/testkit';
import express from 'express';

export interface GatewayOptions {
  /** Simulated engine speed (1 = real time); tests run it faster. */
  speed?: number;
  /** Bearer token `/metrics` and `/status` require on the admin port; none when undefined. */
  metricsToken?: string;
}

export interface Gateway {
  /** The OpenAI-style API: `POST /v1/completions`. */
  app: express.Express;
  /** `/metrics`, `/health` and `/status`, for a separate port. */
  admin: express.Express;
  close(): void;
}

/**
 * An OpenAI-style completions API over a simulated engine: the engine's lifecycle goes into the
 * lens through `instrument()`, the HTTP side through the Express middleware, and the admin app
 * serves both from one `/metrics` on its own port.
 */
export function createGateway(options: GatewayOptions = {}): Gateway {
  const lens = createLens({ engine: 'sim' });
  const engine = new SimulatedEngine({ model: 'llama-3-8b', speed: options.speed ?? 1 });
  const instrumentation = instrument(engine, { lens });

  const app = express();
  // First, before the body parser, so request bytes are counted as they arrive.
  app.use(
    inferlens({
      lens,
      endpoints: false,
      labels: { tenant: (req) => req.headers['x-tenant'] as string },
    }),
  );
  app.use(express.json());
  app.post('/v1/completions', completions(engine));

  const admin = express();
  admin.use(
    inferlensEndpoints({
      lens,
      auth: options.metricsToken ? { bearer: options.metricsToken } : undefined,
      version: '1.0.0',
      gpu: { available: false, reason: 'simulated engine, no GPU' },
    }),
  );
  return {
    app,
    admin,
    close: () => {
      instrumentation.stop();
      engine.close();
      lens.close();
    },
  };
}

/**
 * `POST /v1/completions` over the simulated engine, whole or streamed as SSE; a client that leaves
 * stops the generation (and is recorded as aborted by the middleware).
 */
function completions(engine: SimulatedEngine): express.RequestHandler {
  return async (req, res) => {
    const { prompt = '', max_tokens = 64, stream = false, ignore_eos = false } = req.body ?? {};
    // ignore_eos as vLLM has it: generate exactly max_tokens.
    const gen = engine.generate({
      prompt: String(prompt),
      maxTokens: Number(max_tokens),
      ignoreEos: ignore_eos === true,
    });
    res.on('close', () => gen.abort());
    if (!stream) {
      let text = '';
      for await (const chunk of gen) text += chunk.text;
      const { finishReason, usage } = await gen.done;
      res.json({ id: gen.id, choices: [{ text, finish_reason: finishReason }], usage });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for await (const chunk of gen)
      res.write(`data: ${JSON.stringify({ id: gen.id, choices: [{ text: chunk.text }] })}\n\n`);
    res.end('data: [DONE]\n\n');
  };
}

/** Listens on 127.0.0.1:`port` (0 for any) and resolves with the base URL. */
export async function listen(
  app: express.Express,
  port: number,
  host = '127.0.0.1',
): Promise<{ url: string; server: Server }> {
  const server = app.listen(port, host);
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://${host}:${(server.address() as AddressInfo).port}`, server };
}
