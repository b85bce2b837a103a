import { createServer } from './app.js';

// PORT and METRICS_TOKEN configure it; the token is never printed or served.
const app = await createServer({ metricsToken: process.env.METRICS_TOKEN || undefined });
const url = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(
  `completions at ${url}/v1/completions; metrics at ${url}/metrics, status at ${url}/status`,
);

const stop = () => void app.close();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
