import { serve } from '@hono/node-server';
import { createServer } from './app.js';

// PORT and METRICS_PASSWORD configure it; the password is never printed or served.
const server = createServer({ metricsPassword: process.env.METRICS_PASSWORD || undefined });
const port = Number(process.env.PORT ?? 3000);
const http = serve({ fetch: server.app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(
    `completions at http://127.0.0.1:${info.port}/v1/completions; metrics at /metrics, status at /status`,
  );
});
// Stands in for loading model weights: /status answers 503 until then.
setTimeout(server.markLoaded, 500);

const stop = () => {
  server.close();
  http.close();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
