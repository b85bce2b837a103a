import { describe, expect, it } from 'vitest';
import { SimulatedEngineError } from '../src/index.js';
import { drain, llm, record, setup } from './helpers.js';

const dropped = (lens: ReturnType<typeof setup>['lens'], reason: string) =>
  lens.store.family('eventsDropped').series([reason]).value;

describe('SimulatedEngine with instrument()', () => {
  it('counts exactly the tokens generate() yielded and returns the in-flight gauges to 0', async () => {
    const { engine, lens } = setup({ maxBatch: 6 });
    const gens = Array.from({ length: 20 }, (_, i) =>
      engine.generate({ promptTokens: 30 + 17 * i, maxTokens: 20 + 9 * i }),
    );
    const drained = await Promise.all(gens.map(drain));
    const results = await Promise.all(gens.map((g) => g.done));
    engine.close();
    const h = llm(lens);
    const yielded = drained.reduce((n, d) => n + d.chunks.reduce((m, c) => m + c.tokens, 0), 0);
    expect(yielded).toBeGreaterThan(0);
    expect(h.generationTokens.value).toBe(yielded);
    expect(h.promptTokens.value).toBe(results.reduce((n, r) => n + r.usage.promptTokens, 0));
    expect(h.promptTokensCached.value).toBe(results.reduce((n, r) => n + r.usage.cachedTokens, 0));
    for (const reason of ['stop', 'length'])
      expect(h.finished(reason).value).toBe(
        results.filter((r) => r.finishReason === reason).length,
      );
    expect(h.timeToFirstToken.count).toBe(20);
    expect(h.requestsRunning.value).toBe(0);
    expect(h.requestsWaiting.value).toBe(0);
    // maxBatch 6 with 20 arrivals at once: most requests waited.
    expect(h.requestQueueTime.sum).toBeGreaterThan(0);
    expect(dropped(lens, 'out_of_order') + dropped(lens, 'unknown_id')).toBe(0);
  });

  it('preempts under a small KV budget and still delivers every token once', async () => {
    // 8 requests of 64 + 200 tokens need 17 blocks each; 48 blocks hold fewer than three.
    const { engine, lens } = setup({ kvBlocks: 48, sharedPrefixTokens: 0 });
    const log = record(engine);
    const gens = Array.from({ length: 8 }, () =>
      engine.generate({ promptTokens: 64, maxTokens: 200, ignoreEos: true }),
    );
    const drained = await Promise.all(gens.map(drain));
    engine.close();
    const preempted = log.filter((e) => e.event === 'preempted').length;
    expect(preempted).toBeGreaterThan(0);
    expect(llm(lens).preemptions.value).toBe(preempted);
    for (const d of drained) expect(d.chunks.map((c) => c.index)).toEqual([...Array(200).keys()]);
    expect(llm(lens).generationTokens.value).toBe(1600);
    expect(llm(lens).finished('length').value).toBe(8);
    expect(llm(lens).requestsRunning.value).toBe(0);
    expect(llm(lens).requestsWaiting.value).toBe(0);
  });

  it('counts each abort once: by signal, by break, while waiting, and after the end', async () => {
    const { engine, lens } = setup({ maxBatch: 1 });
    const log = record(engine);
    const controller = new AbortController();
    const bySignal = engine.generate({
      promptTokens: 20,
      maxTokens: 500,
      ignoreEos: true,
      signal: controller.signal,
    });
    const queuedBehind = engine.generate({ promptTokens: 20, maxTokens: 10 });
    let seen = 0;
    for await (const _ of bySignal) if (++seen === 3) controller.abort();
    queuedBehind.abort(); // still waiting: maxBatch 1 and the first one ran until now
    queuedBehind.abort();
    const byBreak = engine.generate({ promptTokens: 20, maxTokens: 500, ignoreEos: true });
    for await (const chunk of byBreak) if (chunk.index === 4) break;
    const finished = engine.generate({ promptTokens: 20, maxTokens: 5, ignoreEos: true });
    await drain(finished);
    finished.abort();
    controller.abort();
    expect((await bySignal.done).finishReason).toBe('abort');
    expect((await queuedBehind.done).finishReason).toBe('abort');
    // The engine does not wait for its reader, so it may have produced more than was read.
    expect((await byBreak.done).usage.completionTokens).toBeGreaterThanOrEqual(5);
    engine.close();
    const h = llm(lens);
    expect(log.filter((e) => e.event === 'aborted').map((e) => e.id)).toEqual([
      bySignal.id,
      queuedBehind.id,
      byBreak.id,
    ]);
    expect(h.finished('abort').value).toBe(3);
    expect(h.finished('length').value).toBe(1);
    // Prompt tokens count once prefilled, as vLLM counts them: the two aborted while running and
    // the finished one, not the one aborted while it waited.
    const aborted = log.filter((e) => e.event === 'aborted');
    expect(aborted.map((e) => e.payload.promptTokens)).toEqual([20, undefined, 20]);
    expect(h.promptTokens.value).toBe(60);
    expect(h.requestsRunning.value).toBe(0);
    expect(h.requestsWaiting.value).toBe(0);
    expect(dropped(lens, 'after_end') + dropped(lens, 'unknown_id')).toBe(0);
  });

  it('injects failures: iteration throws the error type, and it is counted as an error', async () => {
    const { engine, lens } = setup({ failureRate: 1, failureTypes: ['out_of_memory'] });
    const drained = await Promise.all(
      Array.from({ length: 5 }, () =>
        drain(engine.generate({ promptTokens: 10, maxTokens: 40, ignoreEos: true })),
      ),
    );
    engine.close();
    for (const d of drained) {
      expect(d.error).toBeInstanceOf(SimulatedEngineError);
      expect((d.error as SimulatedEngineError).type).toBe('out_of_memory');
      expect(d.chunks.length).toBeLessThan(40);
    }
    expect(llm(lens).errors('out_of_memory').value).toBe(5);
    expect(llm(lens).finished('error').value).toBe(5);
    // Failed requests had been prefilled: their prompts count.
    expect(llm(lens).promptTokens.value).toBe(50);
    expect(llm(lens).generationTokens.value).toBe(drained.reduce((n, d) => n + d.chunks.length, 0));
  });

  it('queues under load, so time to first token rises with concurrency', async () => {
    const mean = async (concurrency: number) => {
      const { engine, lens } = setup({ speed: 10, maxBatch: 8 });
      await Promise.all(
        Array.from(
          { length: concurrency },
          () => engine.generate({ promptTokens: 300, maxTokens: 30 }).done,
        ),
      );
      engine.close();
      const ttft = llm(lens).timeToFirstToken;
      return ttft.sum / ttft.count;
    };
    const alone = await mean(1);
    const loaded = await mean(32);
    // Simulated time: one 300-token prefill is ~30 ms; 32 at once wait for batches of 8.
    expect(alone).toBeGreaterThan(0.02);
    expect(loaded).toBeGreaterThan(alone * 3);
  });
});
