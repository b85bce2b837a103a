/**
 * A Hono app on Bun's own server (`Bun.serve`, no Node adapter): the @inferlens/hono middleware
 * records through the Web body-wrapping path. Run by test/bun-runtime.test.ts as
 * `bun test/bun/server.ts`; prints `listening on <url>` once it serves.
 *
 * Bun resolves `@inferlens/*` to the sources through the `paths` of tsconfig.base.json.
 */
import { createLens } from '@inferlens/core';
import { inferlens } from '@inferlens/hono';
import { Hono } from 'hono';

declare const Bun: {
  version: string;
  serve(options: {
    port: number;
    hostname: string;
    fetch: (request: Request) => Response | Promise<Response>;
  }): { port: number };
};

const encoder = new TextEncoder();
const lens = createLens({ engine: 'bun' });
const app = new Hono();
app.use(inferlens({ lens }));

app.get('/hello', (c) => c.text('hello from bun'));

// `n` events, `ms` apart, the first one at once; a cancel (client gone) stops the timer.
app.get('/sse', (c) => {
  const n = Number(c.req.query('n') ?? 5);
  const ms = Number(c.req.query('ms') ?? 100);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let sent = 0;
      const tick = () => {
        controller.enqueue(encoder.encode(`data: ${sent}\n\n`));
        sent += 1;
        if (sent === n) controller.close();
        else timer = setTimeout(tick, ms);
      };
      tick();
    },
    cancel() {
      clearTimeout(timer);
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
});

const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch });
console.log(`listening on http://127.0.0.1:${server.port} (bun ${Bun.version})`);
