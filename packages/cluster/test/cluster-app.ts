/**
 * A real node:cluster app for the test: the primary aggregates, 4 workers share one port, each
 * records the requests it serves and scrapes one fake vLLM (VLLM_URL) into its lens.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { createLens } from '@inferlens/core';
import { createVllmSource } from '@inferlens/vllm';
import { aggregateInPrimary, clusterLens } from '../src/index.js';

if (cluster.isPrimary) {
  aggregateInPrimary({ timeoutMs: 15_000 }); // generous: a loaded CI machine, 4 workers under tsx
  let listening = 0;
  for (let i = 0; i < 4; i++) cluster.fork();
  cluster.on('listening', (_w, address) => {
    if (++listening === 4) console.log(JSON.stringify({ port: address.port }));
  });
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  });
} else {
  const id = cluster.worker!.id;
  const lens = createLens({ engine: 'sim' });
  createVllmSource({ lens, targets: [{ url: process.env.VLLM_URL!, name: 'vllm-a' }] });
  const h = lens.handles('m');
  h.kvCacheUsage.set(id / 10); // workers 1..4: 0.1..0.4, average 0.25
  const group = clusterLens(lens, { timeoutMs: 20_000 });
  createServer((req, res) => {
    if (req.url === '/metrics')
      return void group.scrape().then(({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'x-worker': String(id) }).end(body);
      });
    // One request served: running while it "generates", then finished with 5 tokens.
    const r = lens.request({ model: 'm' });
    h.requestsRunning.add(1);
    setTimeout(() => {
      r.firstToken();
      r.tokens(4);
      r.finish({ finishReason: 'stop', generationTokens: 5 });
      h.requestsRunning.add(-1);
      res.writeHead(200, { 'x-worker': String(id) }).end('ok');
    }, 5);
  }).listen(0, '127.0.0.1');
}
