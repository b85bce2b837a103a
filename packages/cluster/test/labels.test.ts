import { Worker } from 'node:worker_threads';
import { createLens } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
import { processLabels } from '../src/index.js';

describe('processLabels', () => {
  it('reads worker id, instance and role from the environment', () => {
    expect(processLabels({})).toEqual({});
    expect(
      processLabels({
        INFERLENS_WORKER_ID: '2',
        INFERLENS_INSTANCE: 'pod-7',
        INFERLENS_ROLE: 'prefill',
      }),
    ).toEqual({ worker_id: '2', instance: 'pod-7', role: 'prefill' });
    const lens = createLens({
      engine: 'sim',
      constLabels: processLabels({ INFERLENS_ROLE: 'decode' }),
    });
    lens.handles('m').requestsRunning.set(1);
    expect(lens.render()).toContain(
      'llm_requests_running{model_name="m",engine="sim",role="decode"} 1',
    );
    lens.close();
  });

  it('rejects bad values at setup, naming the variable', () => {
    expect(() => processLabels({ INFERLENS_ROLE: 'boss' })).toThrow(
      /^\[@inferlens\/cluster\] INFERLENS_ROLE: "boss" is not one of/,
    );
    expect(() => processLabels({ INFERLENS_INSTANCE: 'a b' })).toThrow(/INFERLENS_INSTANCE/);
  });

  it('labels a worker thread thread-<id>', async () => {
    const file = new URL('./labels-thread.ts', import.meta.url).href;
    // The thread loads the TypeScript source through tsx's loader.
    const code = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(file)}); })`;
    const worker = new Worker(code, { eval: true });
    const labels = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(labels).toEqual({ worker_id: `thread-${worker.threadId}` });
    await worker.terminate();
  });
});
