import { afterEach, describe, expect, it, vi } from 'vitest';
import { drain, type Recorded, record, setup } from './helpers.js';

// The lifecycle a request's events must follow: one arrival, a schedule before any output,
// preemptions only while running, exactly one end and nothing after it.
function checkLifecycle(events: Recorded[]): void {
  expect(events[0]?.event).toBe('queued');
  let state: 'waiting' | 'running' | 'ended' = 'waiting';
  let outputs = 0;
  let lastTime = Number.NEGATIVE_INFINITY;
  for (const e of events.slice(1)) {
    expect(state, `${e.event} after the end`).not.toBe('ended');
    expect(e.time).toBeGreaterThanOrEqual(lastTime);
    lastTime = e.time!;
    if (e.event === 'scheduled') {
      expect(state).toBe('waiting');
      state = 'running';
    } else if (e.event === 'preempted') {
      expect(state).toBe('running');
      state = 'waiting';
    } else if (e.event === 'firstToken' || e.event === 'tokens') {
      expect(state).toBe('running');
      expect(e.event).toBe(outputs === 0 ? 'firstToken' : 'tokens');
      outputs++;
    } else if (e.event === 'finished' || e.event === 'failed' || e.event === 'aborted') {
      if (e.event === 'finished') expect(e.payload.generationTokens).toBe(outputs);
      state = 'ended';
    } else throw new Error(`unexpected ${e.event}`);
  }
  expect(state).toBe('ended');
}

describe('SimulatedEngine events', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('emits a well-ordered lifecycle for every request, through preemption, aborts and failures', async () => {
    // On fake timers and a fake clock the run, aborts included, is the same every time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { engine } = setup({ kvBlocks: 60, maxBatch: 8, failureRate: 0.15, seed: 5 });
    const log = record(engine);
    const gens = Array.from({ length: 16 }, (_, i) => {
      const controller = new AbortController();
      const gen = engine.generate({
        promptTokens: 40 + 23 * i,
        maxTokens: 30 + 11 * i,
        ignoreEos: i % 2 === 0,
        signal: controller.signal,
      });
      if (i % 5 === 4) setTimeout(() => controller.abort(), 5 + i);
      return gen;
    });
    await vi.runAllTimersAsync();
    const results = await Promise.all(gens.map((g) => g.done));
    engine.close();
    const byId = new Map<string, Recorded[]>();
    for (const e of log) if (e.id) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
    expect(byId.size).toBe(16);
    for (const events of byId.values()) checkLifecycle(events);
    const reasons = new Set(results.map((r) => r.finishReason));
    expect(reasons).toContain('length');
    expect(reasons).toContain('abort');
    expect(reasons).toContain('error');
    expect(log.some((e) => e.event === 'preempted')).toBe(true);
  });

  it('yields contiguous chunks, the finish reason on the last one, and usage that matches', async () => {
    const { engine } = setup({ seed: 3 });
    for (const ignoreEos of [true, false]) {
      const gen = engine.generate({ prompt: 'x'.repeat(400), maxTokens: 300, ignoreEos });
      const { chunks, error } = await drain(gen);
      const result = await gen.done;
      expect(error).toBeUndefined();
      expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
      expect(chunks.slice(0, -1).every((c) => c.finishReason === undefined)).toBe(true);
      expect(chunks.at(-1)?.finishReason).toBe(result.finishReason);
      expect(result.finishReason).toBe(ignoreEos ? 'length' : 'stop');
      expect(result.usage).toMatchObject({
        promptTokens: 100,
        completionTokens: chunks.length,
        totalTokens: 100 + chunks.length,
      });
      if (ignoreEos) expect(chunks).toHaveLength(300);
    }
    engine.close();
  });

  it('reports stats every step: KV usage in [0, 1], batch sizes, and real prefix-cache hits', async () => {
    const { engine } = setup({ sharedPrefixTokens: 64 });
    const log = record(engine);
    for (let i = 0; i < 3; i++) await engine.generate({ promptTokens: 200, maxTokens: 8 }).done;
    await Promise.all(
      Array.from({ length: 6 }, () => engine.generate({ promptTokens: 120, maxTokens: 20 }).done),
    );
    engine.close();
    const stats = log.filter((e) => e.event === 'stats').map((e) => e.payload);
    const outputs = log.filter((e) => e.event === 'firstToken' || e.event === 'tokens');
    expect(
      stats.every((s) => (s.kvCacheUsage as number) >= 0 && (s.kvCacheUsage as number) <= 1),
    ).toBe(true);
    expect(stats.some((s) => (s.kvCacheUsage as number) > 0)).toBe(true);
    expect(stats.at(-1)?.kvCacheUsage).toBe(0);
    // Each step runs its batch once, so batch sizes add up to the outputs produced.
    expect(stats.reduce((n, s) => n + (s.batchSize as number), 0)).toBe(outputs.length);
    const sum = (k: string) => stats.reduce((n, s) => n + (s[k] as number), 0);
    expect(sum('prefixCacheQueries')).toBe(3 * 200 + 6 * 120);
    // The first request computes the 64-token prefix; the eight after it find it cached.
    expect(sum('prefixCacheHits')).toBe(8 * 64);
  });

  it('draws the same outputs from the same seed, whatever the interleaving', async () => {
    const run = async (seed: number, concurrent: boolean) => {
      const { engine } = setup({ seed });
      const make = (i: number) => engine.generate({ promptTokens: 50 + i, maxTokens: 200 });
      const texts: string[] = [];
      if (concurrent) {
        const all = await Promise.all([0, 1, 2, 3].map((i) => drain(make(i))));
        for (const d of all) texts.push(d.chunks.map((c) => c.text).join(''));
      } else
        for (const i of [0, 1, 2, 3])
          texts.push((await drain(make(i))).chunks.map((c) => c.text).join(''));
      engine.close();
      return texts;
    };
    const a = await run(42, false);
    expect(await run(42, true)).toEqual(a);
    expect(await run(43, false)).not.toEqual(a);
  });
});
