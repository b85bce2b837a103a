import { Readable } from 'node:stream';
import { createLens, instrument } from '@inferlens/core';
import { type InferlensOptions, inferlens } from '@inferlens/fastify';
import { SimulatedEngine } from '@inferlens/testkit';
import Fastify, { type FastifyInstance } from 'fastify';

export interface DashboardApp {
  app: FastifyInstance;
  url: string;
}

/**
 * A real Fastify app as users write one: the inferlens plugin (which serves /dashboard beside
 * /metrics and /status) and a simulated engine instrumented on the same lens, behind an
 * OpenAI-style streaming `POST /v1/completions`, plus `GET /boom` answering 500.
 */
export async function startDashboardApp(
  options: Pick<InferlensOptions, 'auth'> = {},
): Promise<DashboardApp> {
  const lens = createLens({ engine: 'sim' });
  const engine = new SimulatedEngine({ model: 'dash-model', eosProbability: 0 });
  const instrumentation = instrument(engine, { lens });
  // forceCloseConnections: the browser's keep-alive sockets must not hold close() open.
  const app = Fastify({ forceCloseConnections: true });
  await app.register(inferlens, { lens, ...options, version: '9.9.9' });
  app.post<{ Body: { max_tokens?: number } }>('/v1/completions', async (request, reply) => {
    const gen = engine.generate({
      prompt: 'Hello there',
      maxTokens: request.body?.max_tokens ?? 64,
    });
    async function* events() {
      for await (const chunk of gen) yield `data: ${JSON.stringify({ text: chunk.text })}\n\n`;
      yield 'data: [DONE]\n\n';
    }
    const body = Readable.from(events()).once('close', () => gen.abort());
    return reply.type('text/event-stream').send(body);
  });
  app.get('/boom', async (_request, reply) => reply.code(500).send({ error: 'boom' }));
  app.addHook('onClose', async () => {
    instrumentation.stop();
    engine.close();
    lens.close();
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

/**
 * Streams completions from `clients` concurrent loops until `stop()`: each loop reads whole
 * streams, and every third request of the first loop is aborted mid-stream.
 */
export function generateTraffic(url: string, clients: number): { stop(): Promise<void> } {
  let running = true;
  const loop = async (client: number) => {
    for (let i = 0; running; i++) {
      const abort = new AbortController();
      try {
        const res = await fetch(`${url}/v1/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ max_tokens: 80 }),
          signal: abort.signal,
        });
        const reader = res.body!.getReader();
        if (client === 0 && i % 3 === 2) {
          await reader.read();
          abort.abort();
        } else while (!(await reader.read()).done);
        if (client === 1) await fetch(`${url}/boom`).then((r) => r.arrayBuffer());
      } catch {
        // An aborted stream, or the server going away at the end.
      }
    }
  };
  const loops = Array.from({ length: clients }, (_, i) => loop(i));
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
