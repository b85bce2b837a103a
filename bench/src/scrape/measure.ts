/**
 * Timing of whole scrapes: each contender's CPU time (process.cpuUsage: this thread and V8's
 * helper threads, garbage collection included) and wall time, in interleaved rounds whose order
 * rotates, medians over rounds. A scrape of 100,000 label sets takes seconds with the peers, so
 * the harness's batches of many calls do not fit here.
 */
import { Session } from 'node:inspector/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ToBytes } from './setup.js';

export interface ScrapeResult {
  name: string;
  cpuMs: number;
  wallMs: number;
  minWallMs: number;
  maxWallMs: number;
  bytes: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function timeScrapes(
  contenders: readonly { name: string; fn: ToBytes }[],
  rounds: number,
  pauseMs: number,
): Promise<ScrapeResult[]> {
  const cpu: number[][] = contenders.map(() => []);
  const wall: number[][] = contenders.map(() => []);
  const bytes: number[] = contenders.map(() => 0);
  for (const c of contenders) await c.fn(); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + r) % contenders.length;
      // V8's helper threads go on marking and sweeping after a call that left hundreds of MB of
      // garbage, and process.cpuUsage would charge that to the next contender: an idle pause
      // lets them finish. (A forced full collection instead flushes the contenders' compiled
      // code, so each would run cold.)
      await sleep(pauseMs);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      bytes[i] = await contenders[i]!.fn();
      wall[i]!.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[i]!.push((c.user + c.system) / 1000);
    }
  }
  return contenders.map((c, i) => ({
    name: c.name,
    cpuMs: median(cpu[i]!),
    wallMs: median(wall[i]!),
    minWallMs: Math.min(...wall[i]!),
    maxWallMs: Math.max(...wall[i]!),
    bytes: bytes[i]!,
  }));
}

interface SamplingNode {
  selfSize: number;
  children: SamplingNode[];
}

/**
 * Bytes one call allocates on the JS heap, garbage included, estimated by V8's sampling heap
 * profiler with collected objects kept in the profile. Buffers outside the heap (ArrayBuffer
 * backing stores) are not in it: callers add those they know of.
 */
export async function heapAllocated(fn: () => Promise<unknown>): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as never);
    await fn();
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
      profile: { head: SamplingNode };
    };
    let sum = 0;
    const walk = (n: SamplingNode): void => {
      sum += n.selfSize;
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    return sum;
  } finally {
    session.disconnect();
  }
}
