import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedEngine } from '../src/index.js';
import { drain, llm, record, setup } from './helpers.js';

// Fake timers and a fake clock drive the engine here, so the only timers counted are its own.
const fake = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });

describe('SimulatedEngine lifecycle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('close() aborts what is in flight, ends every iteration and leaves no timer behind', async () => {
    fake();
    const { engine, lens } = setup({ maxBatch: 2 });
    const gens = Array.from({ length: 5 }, () =>
      engine.generate({ promptTokens: 50, maxTokens: 1000, ignoreEos: true }),
    );
    const reading = Promise.all(gens.map(drain));
    await vi.advanceTimersByTimeAsync(20); // 400 simulated ms at speed 20
    expect(engine.state).toMatchObject({ running: 2, waiting: 3 });
    expect(vi.getTimerCount()).toBe(1); // the step timer
    engine.close();
    engine.close();
    expect(vi.getTimerCount()).toBe(0);
    const drained = await reading;
    expect(drained.every((d) => d.error === undefined && d.chunks.length < 1000)).toBe(true);
    expect(drained.filter((d) => d.chunks.length > 0)).toHaveLength(2);
    expect((await Promise.all(gens.map((g) => g.done))).map((r) => r.finishReason)).toEqual(
      Array(5).fill('abort'),
    );
    expect(llm(lens).finished('abort').value).toBe(5);
    expect(llm(lens).requestsRunning.value + llm(lens).requestsWaiting.value).toBe(0);
    expect(() => engine.generate({ promptTokens: 1 })).toThrow(/closed/);
  });

  it('holds no timer while idle', async () => {
    fake();
    const engine = new SimulatedEngine({ speed: 50 });
    const gen = engine.generate({ promptTokens: 10, maxTokens: 3 });
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    expect((await gen.done).usage.completionTokens).toBeGreaterThan(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(engine.state).toEqual({ running: 0, waiting: 0, kvCacheUsage: 0 });
    engine.close();
  });

  it('runs on a scaled clock: events are stamped in simulated time', async () => {
    const engine = new SimulatedEngine({ speed: 50, stepCost: { jitter: 0 } });
    const log = record(engine);
    const start = performance.now();
    await engine.generate({ promptTokens: 10, maxTokens: 100, ignoreEos: true }).done;
    const realMs = performance.now() - start;
    engine.close();
    const times = log.filter((e) => e.time !== undefined).map((e) => e.time!);
    const simulatedMs = times.at(-1)! - times[0]!;
    // 100 steps of at least the 12 ms base cost, while far less real time went by.
    expect(simulatedMs).toBeGreaterThan(1200);
    expect(simulatedMs).toBeGreaterThan(realMs * 5);
    expect(times.at(-1)).toBeLessThanOrEqual(engine.now());
  });

  it('rejects bad options at construction and bad requests at generate(), naming the package', () => {
    expect(() => new SimulatedEngine({ speed: 0, kvBlocks: 1.5, failureRate: 2 })).toThrow(
      /\[@inferlens\/testkit\].*speed.*kvBlocks.*failureRate/,
    );
    expect(() => new SimulatedEngine({ stepCost: { baseMs: -1 } })).toThrow(/stepCost\.baseMs/);
    const engine = new SimulatedEngine({ kvBlocks: 10, blockSize: 16, watermark: 0 });
    expect(() => engine.generate({ promptTokens: 0 })).toThrow(RangeError);
    expect(() => engine.generate({ promptTokens: 5, maxTokens: 2.5 })).toThrow(/maxTokens/);
    expect(() => engine.generate({ promptTokens: 100, maxTokens: 100 })).toThrow(
      /model length 144/,
    );
    engine.close();
  });

  it('keeps stepping when a listener throws, and surfaces the error', async () => {
    const engine = new SimulatedEngine({ speed: 50 });
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.prependListener('uncaughtException', onError);
    const vitestHandlers = process.listeners('uncaughtException').filter((l) => l !== onError);
    for (const l of vitestHandlers) process.off('uncaughtException', l);
    try {
      engine.on('firstToken', () => {
        throw new Error('listener bug');
      });
      const { chunks } = await drain(
        engine.generate({ promptTokens: 10, maxTokens: 4, ignoreEos: true }),
      );
      expect(chunks).toHaveLength(4);
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('uncaughtException', onError);
      for (const l of vitestHandlers) process.on('uncaughtException', l);
      engine.close();
    }
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('listener bug');
  });
});
