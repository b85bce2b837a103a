import { createLens, instrument } from '@inferlens/core';
import { inferlens } from '@inferlens/hono';
import { SimulatedEngine } from '@inferlens/testkit';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';

export interface ServerOptions {
  /** Simulated engine speed (1 = real time); tests run it faster. */
  speed?: number;
  /** Basic-auth password for `/metrics` and `/status` (user `prometheus`); open when undefined. */
  metricsPassword?: string;
}

/**
 * A Hono app with an OpenAI-style `POST /v1/completions` over a simulated engine, the inferlens
 * middleware first, and `/metrics`, `/health` and `/status` served by it. `ready` turns true once
 * the model is "loaded", which `/status` reports as readiness.
 */
export function createServer(options: ServerOptions = {}) {
  const lens = createLens({ engine: 'sim' });
  const engine = new SimulatedEngine({ model: 'qwen2.5-7b', speed: options.speed ?? 1 });
  const instrumentation = instrument(engine, { lens });
  let loaded = false;
  const password = options.metricsPassword;

  const app = new Hono();
  app.use(
    inferlens({
      lens,
      groupStatus: true,
      auth: password ? { basic: { username: 'prometheus', password } } : undefined,
      ready: () => ({ ready: loaded, state: loaded ? 'serving' : 'loading' }),
    }),
  );
  app.post('/v1/completions', async (c) => {
    const body = await c.req.json<{
      prompt?: string;
      max_tokens?: number;
      stream?: boolean;
      ignore_eos?: boolean;
    }>();
    const gen = engine.generate({
      prompt: body.prompt ?? '',
      maxTokens: body.max_tokens ?? 64,
      ignoreEos: body.ignore_eos === true,
    });
    if (!body.stream) {
      let text = '';
      for await (const chunk of gen) text += chunk.text;
      const { finishReason, usage } = await gen.done;
      return c.json({ id: gen.id, choices: [{ text, finish_reason: finishReason }], usage });
    }
    return streamSSE(c, async (sse) => {
      // The client left: stop generating (the middleware records the request as aborted).
      sse.onAbort(() => gen.abort());
      for await (const chunk of gen)
        await sse.writeSSE({
          data: JSON.stringify({ id: gen.id, choices: [{ text: chunk.text }] }),
        });
      await sse.writeSSE({ data: '[DONE]' });
    });
  });
  return {
    app,
    /** Marks the model loaded, as a real server would after loading weights. */
    markLoaded: () => {
      loaded = true;
    },
    close: () => {
      instrumentation.stop();
      engine.close();
      lens.close();
    },
  };
}
