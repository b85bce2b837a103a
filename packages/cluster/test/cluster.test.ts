import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parse } from '@inferlens/prom-parse';
import { startFakeVllm } from '@inferlens/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sumOf } from './helpers.js';

let app: ChildProcess;
let port = 0;
let vllm: Awaited<ReturnType<typeof startFakeVllm>>;

beforeAll(async () => {
  vllm = await startFakeVllm({ engine: { eosProbability: 0 } });
  await fetch(`${vllm.url}/v1/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: vllm.model, prompt: 'Hi', max_tokens: 7 }),
  }).then((r) => r.text());
  app = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./cluster-app.ts', import.meta.url))],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, VLLM_URL: vllm.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    app.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    app.on('exit', (code) => reject(new Error(`cluster app exited with ${code}`)));
  });
}, 60_000);
afterAll(async () => {
  app?.kill('SIGTERM');
  await vllm?.close();
});

describe('a real node:cluster of 4 workers', () => {
  it('serves the whole group’s metrics from any worker, engine sources counted once', async () => {
    const served = await Promise.all(
      Array.from({ length: 200 }, () =>
        fetch(`http://127.0.0.1:${port}/work`, { method: 'POST' }).then((r) =>
          r.headers.get('x-worker'),
        ),
      ),
    );
    expect(new Set(served).size).toBe(4); // the load really spread over the workers
    const scrapes = await Promise.all(
      Array.from({ length: 12 }, () =>
        fetch(`http://127.0.0.1:${port}/metrics`).then(async (r) => ({
          worker: r.headers.get('x-worker'),
          text: await r.text(),
        })),
      ),
    );
    expect(new Set(scrapes.map((s) => s.worker)).size).toBeGreaterThan(1);
    for (const { text } of scrapes) {
      expect(parse(text).errors).toEqual([]);
      const own = { engine: 'sim' };
      expect(sumOf(text, 'requests', { ...own, finish_reason: 'stop' })).toBe(200);
      expect(sumOf(text, 'generationTokens', own)).toBe(1000);
      expect(sumOf(text, 'requestsRunning', own)).toBe(0);
      expect(sumOf(text, 'kvCacheUsage', own)).toBeCloseTo(0.25, 12);
      // Each worker scrapes the same vLLM: its 7 tokens once, not 4 × 7.
      expect(sumOf(text, 'generationTokens', { engine: 'vllm', target: 'vllm-a' })).toBe(7);
      expect(sumOf(text, 'sourceUp', { engine: 'vllm' })).toBe(1);
    }
  });
});
