/** A worker thread for the test: records `workerData.requests` requests and joins the group. */
import { parentPort, workerData } from 'node:worker_threads';
import { createLens } from '@inferlens/core';
import { threadGroupLens } from '../src/index.js';

const lens = createLens({ engine: 'sim' });
for (let i = 0; i < (workerData as { requests: number }).requests; i++) {
  const r = lens.request({ model: 'm' });
  r.firstToken();
  r.finish({ finishReason: 'stop', generationTokens: 2 });
}
lens.handles('m').kvCacheUsage.set((workerData as { kv: number }).kv);
const group = threadGroupLens(lens);
parentPort?.on('message', async (m) => {
  if (m === 'scrape') parentPort?.postMessage((await group.scrape()).body);
  if (m === 'stop') {
    group.close();
    lens.close();
    parentPort?.close();
  }
});
parentPort?.postMessage('ready');
