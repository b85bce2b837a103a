import { Worker } from 'node:worker_threads';
import { createLens } from '@inferlens/core';
import { afterAll, describe, expect, it } from 'vitest';
import { threadGroupLens } from '../src/index.js';
import { sumOf } from './helpers.js';

const file = new URL('./thread-app.ts', import.meta.url).href;
/** A worker thread running thread-app.ts through tsx's loader. */
function thread(requests: number, kv: number): Promise<Worker> {
  const code = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(file)}); })`;
  const w = new Worker(code, { eval: true, workerData: { requests, kv } });
  return new Promise((resolve, reject) => {
    w.once('message', () => resolve(w));
    w.once('error', reject);
  });
}

const workers: Worker[] = [];
afterAll(async () => {
  for (const w of workers) {
    w.postMessage('stop');
    await w.terminate();
  }
});

describe('threadGroupLens: the main thread and 3 worker threads', () => {
  it('any thread’s scrape shows every thread’s series, merged by meaning', async () => {
    const lens = createLens({ engine: 'sim' });
    lens.request({ model: 'm' }).finish({ finishReason: 'stop' });
    lens.handles('m').kvCacheUsage.set(0.1);
    const group = threadGroupLens(lens);
    workers.push(...(await Promise.all([thread(10, 0.2), thread(20, 0.3), thread(30, 0.4)])));
    for (let i = 0; i < 50 && group.members() < 4; i++) await new Promise((r) => setTimeout(r, 20));
    expect(group.members()).toBe(4);
    const fromMain = (await group.scrape()).body;
    expect(sumOf(fromMain, 'requests', { finish_reason: 'stop' })).toBe(61);
    expect(sumOf(fromMain, 'kvCacheUsage')).toBeCloseTo(0.25, 12);
    // The same from inside a worker thread.
    const fromWorker = await new Promise<string>((resolve) => {
      workers[1]!.once('message', resolve);
      workers[1]!.postMessage('scrape');
    });
    expect(sumOf(fromWorker, 'requests', { finish_reason: 'stop' })).toBe(61);
    // A thread that leaves is no longer waited for.
    workers[0]!.postMessage('stop');
    for (let i = 0; i < 50 && group.members() > 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sumOf((await group.scrape()).body, 'requests', { finish_reason: 'stop' })).toBe(51);
    group.close();
    lens.close();
  });
});
