/**
 * The runtime app (test/helpers/runtime-app.ts) on Deno's own server, `Deno.serve`. Run by
 * test/deno-runtime.test.ts with an import map that points `@inferlens/*` at the workspace
 * sources and `--cached-only`, so everything resolves from this checkout's node_modules offline.
 * Prints `listening on <url>` once it serves; OTLP_URL is the receiver's `/v1/metrics`.
 */
import { createRuntimeApp } from '../helpers/runtime-app.js';

declare const Deno: {
  version: { deno: string };
  env: { get(name: string): string | undefined };
  serve(
    options: {
      port: number;
      hostname: string;
      onListen?: (addr: { port: number }) => void;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

const otlpUrl = Deno.env.get('OTLP_URL');
if (otlpUrl === undefined) throw new Error('test/deno/server.ts: set OTLP_URL');
const app = createRuntimeApp({ runtime: 'deno', otlpUrl });
Deno.serve(
  {
    port: 0,
    hostname: '127.0.0.1',
    onListen: ({ port }) =>
      console.log(`listening on http://127.0.0.1:${port} (deno ${Deno.version.deno})`),
  },
  app.fetch,
);
