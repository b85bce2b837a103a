import { Readable } from 'node:stream';
import { createLens, instrument } from '@inferlens/core';
import { inferlens } from '@inferlens/fastify';
import { type Generation, SimulatedEngine } from '@inferlens/testkit';
import Fastify, { type FastifyInstance } from 'fastify';

export interface ServerOptions {
  /** Simulated engine speed (1 = real time); tests run it faster. */
  speed?: number;
  /** Bearer token for `/metrics` and `/status`; open when undefined. */
  metricsToken?: string;
}

interface CompletionBody {
  prompt?: string;
  max_tokens?: number;
  stream?: boolean;
  ignore_eos?: boolean;
}

/** SSE events of a generation; the stream's `close` (a client that left) aborts it. */
function sse(gen: Generation): Readable {
  async function* events() {
    for await (const chunk of gen)
      yield `data: ${JSON.stringify({ id: gen.id, choices: [{ text: chunk.text }] })}\n\n`;
    yield 'data: [DONE]\n\n';
  }
  return Readable.from(events()).once('close', () => gen.abort());
}

/**
 * A Fastify app with an OpenAI-style `POST /v1/completions` over a simulated engine, the inferlens
 * plugin registered first (it routes `/metrics`, `/health` and `/status`), and a tenant label read
 * from a header.
 */
export async function createServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const lens = createLens({ engine: 'sim' });
  const engine = new SimulatedEngine({ model: 'mistral-7b', speed: options.speed ?? 1 });
  const instrumentation = instrument(engine, { lens });
  const app = Fastify();
  await app.register(inferlens, {
    lens,
    auth: options.metricsToken ? { bearer: options.metricsToken } : undefined,
    labels: { tenant: (request) => request.headers['x-tenant'] as string | undefined },
  });
  app.post<{ Body: CompletionBody }>('/v1/completions', async (request, reply) => {
    const { prompt = '', max_tokens = 64, stream = false, ignore_eos = false } = request.body ?? {};
    const gen = engine.generate({ prompt, maxTokens: max_tokens, ignoreEos: ignore_eos });
    if (stream) return reply.type('text/event-stream').send(sse(gen));
    let text = '';
    for await (const chunk of gen) text += chunk.text;
    const { finishReason, usage } = await gen.done;
    return { id: gen.id, choices: [{ text, finish_reason: finishReason }], usage };
  });
  app.addHook('onClose', async () => {
    instrumentation.stop();
    engine.close();
    lens.close();
  });
  return app;
}
