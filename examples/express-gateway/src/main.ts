import { createGateway, listen } from './app.js';

// PORT, METRICS_PORT and METRICS_TOKEN configure it; the token is never printed or served.
const gateway = createGateway({ metricsToken: process.env.METRICS_TOKEN || undefined });
const api = await listen(gateway.app, Number(process.env.PORT ?? 3000));
const admin = await listen(gateway.admin, Number(process.env.METRICS_PORT ?? 9464));
console.log(
  `completions at ${api.url}/v1/completions; metrics at ${admin.url}/metrics, status at ${admin.url}/status`,
);

const stop = () => {
  gateway.close();
  api.server.close();
  admin.server.close();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
