/**
 * The runtime app (test/helpers/runtime-app.ts) as a Worker module. test/workerd-runtime.test.ts
 * bundles this file with esbuild for the browser/worker conditions (the OTLP path must need no
 * `node:*` module) and runs it in workerd through Miniflare, without `nodejs_compat`.
 */
import { createRuntimeApp } from '../helpers/runtime-app.js';

interface Env {
  OTLP_URL: string;
}

// One app (and one lens) per isolate, made on the first request: Workers forbid I/O and timers at
// module scope, and an isolate's counters live as long as the isolate.
let app: ReturnType<typeof createRuntimeApp> | undefined;

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    app ??= createRuntimeApp({ runtime: 'workerd', otlpUrl: env.OTLP_URL });
    return app.fetch(request, env);
  },
};
