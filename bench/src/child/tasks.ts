/**
 * The measurements `runChild` runs in a fresh process: `memory N` (N distinct model names through
 * the tracker, and N through a prom-client counter) and `alone N` (inferlens's streamed render and
 * renderBytes of N label sets with no peer's series on the heap).
 */
import { createLens, renderBytes } from '@inferlens/core/internal';
import { Counter, Registry } from 'prom-client';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

export interface Growth {
  rss: number;
  heap: number;
  ms: number;
}

function growth(work: () => void): Growth {
  gc();
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  work();
  const ms = performance.now() - t0;
  gc();
  gc();
  const after = process.memoryUsage();
  return {
    rss: (after.rss - before.rss) / 1e6,
    heap: (after.heapUsed - before.heapUsed) / 1e6,
    ms,
  };
}

const name = (i: number): string => `org-${i % 997}/model-name-${i}-instruct`;

function memory(n: number): { ours: Growth; series: number; prom: Growth; promSeries: number } {
  const lens = createLens({ engine: 'bench' });
  for (let i = 0; i < 1000; i++) lens.request({ model: `warm-${i}` }).finish();
  const ours = growth(() => {
    for (let i = 0; i < n; i++) {
      const r = lens.request({ model: name(i) });
      r.queued();
      r.started();
      r.firstToken();
      r.tokens(3);
      r.finish({ finishReason: 'stop', promptTokens: 10 });
    }
  });
  let series = 0;
  for (const f of lens.store.families()) series += f.size;
  const counter = new Counter({
    name: 'llm_requests_total',
    help: 'requests',
    labelNames: ['model_name', 'engine', 'finish_reason'],
    registers: [new Registry()],
  });
  const prom = growth(() => {
    for (let i = 0; i < n; i++)
      counter.inc({ model_name: name(i), engine: 'bench', finish_reason: 'stop' });
  });
  const promSeries = Object.keys((counter as unknown as { hashMap: object }).hashMap).length;
  return { ours, series, prom, promSeries };
}

async function alone(n: number): Promise<{ streamed: number[]; bytes: number[] }> {
  const { scrapers, STREAMED } = await import('../scrape/setup.js');
  const s = await scrapers(n, false, false);
  const streamed = s.contenders.find((c) => c.name === STREAMED)!;
  const cpu = async (fn: () => Promise<number>): Promise<number> => {
    const c0 = process.cpuUsage();
    const bytes = await fn();
    const c = process.cpuUsage(c0);
    return bytes > 0 ? (c.user + c.system) / 1000 : Number.NaN;
  };
  const out = { streamed: [] as number[], bytes: [] as number[] };
  // Small sizes run often enough for the JIT to settle; the first half is warm-up.
  const rounds = n <= 10_000 ? 60 : 6;
  for (let r = 0; r < rounds; r++) {
    const a = await cpu(streamed.fn);
    const b = await cpu(async () => {
      let bytes = 0;
      for (const c of renderBytes(s.store)) bytes += c.byteLength;
      return bytes;
    });
    if (r >= rounds / 2) {
      out.streamed.push(a);
      out.bytes.push(b);
    }
  }
  return out;
}

const [task, arg] = process.argv.slice(2);
const n = Number(arg);
const result = task === 'memory' ? memory(n) : await alone(n);
console.log(JSON.stringify(result));
