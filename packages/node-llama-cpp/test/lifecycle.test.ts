import type { ModelHandles } from '@inferlens/core/internal';
import { InsufficientMemoryError, LlamaChatSession, LlamaCompletion } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentLlama, loadModel } from '../src/index.js';
import { observerOf } from '../src/observer.js';
import { trackGeneration } from '../src/request.js';
import { openEngine, type TestEngine } from './setup.js';

let engine: TestEngine;
let h: ModelHandles;

beforeAll(async () => {
  engine = await openEngine();
  h = engine.lens.handles('tiny');
});
afterAll(() => engine?.close());

const newContext = (sequences = 2) =>
  engine.model.createContext({ contextSize: 256, sequences, threads: 1 });

describe('loadModel', () => {
  it('counts a load that throws by error type and rethrows it', async () => {
    await expect(
      loadModel({
        lens: engine.lens,
        llama: engine.llama,
        modelPath: '/nonexistent/model.gguf',
        name: 'missing',
      }),
    ).rejects.toThrow();
    const text = (await engine.lens.scrape()).body;
    expect(text).toMatch(/llm_model_load_failures_total\{[^}]*model_name="missing"[^}]*\} 1/);
  });
});

describe('instrumentLlama', () => {
  it('tracks chat sessions: tokens, finish reasons, and the history reused by the next turn', async () => {
    const context = await newContext();
    const inst = instrumentLlama({ lens: engine.lens, context, model: 'tiny' });
    const session = new LlamaChatSession({
      contextSequence: context.getSequence(),
      systemPrompt: 'Be brief.',
    });
    const base = { tokens: h.generationTokens.value, cached: h.promptTokensCached.value };
    let tokens = 0;
    const first = await session.promptWithMeta('Hi, who are you?', {
      maxTokens: 6,
      onToken: (t) => {
        tokens += t.length;
      },
    });
    const cachedBefore = h.promptTokensCached.value;
    const second = await session.promptWithMeta('And then?', {
      maxTokens: 4,
      onToken: (t) => {
        tokens += t.length;
      },
    });
    expect([first.stopReason, second.stopReason]).toEqual(['maxTokens', 'maxTokens']);
    expect(tokens).toBe(10);
    expect(h.generationTokens.value - base.tokens).toBe(tokens);
    expect(cachedBefore - base.cached).toBe(0);
    // The second turn starts from the first turn's tokens still held by the sequence.
    expect(h.promptTokensCached.value - cachedBefore).toBeGreaterThan(10);
    inst.stop();
    await context.dispose();
  });

  it('queues concurrent calls on one sequence in order, as node-llama-cpp runs them', async () => {
    const context = await newContext();
    const inst = instrumentLlama({ lens: engine.lens, context, model: 'tiny' });
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    const queued = h.requestQueueTime.count;
    let maxWaiting = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2].map((i) =>
        completion
          .generateCompletion(`Request ${i}`, {
            maxTokens: 5,
            onToken: () => {
              maxWaiting = Math.max(maxWaiting, h.requestsWaiting.value);
            },
          })
          .then(() => order.push(i)),
      ),
    );
    expect(order).toEqual([0, 1, 2]);
    expect(maxWaiting).toBe(2);
    expect(h.requestQueueTime.count - queued).toBe(3);
    expect([h.requestsWaiting.value, h.requestsRunning.value, inst.inFlight]).toEqual([0, 0, 0]);
    inst.stop();
    await context.dispose();
  });

  it('records failures by error type with the prompt tokens already processed', async () => {
    const context = await newContext();
    const inst = instrumentLlama({ lens: engine.lens, context, model: 'tiny' });
    const sequence = context.getSequence();
    const observer = observerOf(sequence);
    expect(observer).toBeDefined();
    const prompt = h.promptTokens.value;
    const oom = trackGeneration(observer!, {}, sequence, {}, async () => {
      await new LlamaCompletion({ contextSequence: sequence }).generateCompletion('Hello there', {
        maxTokens: 2,
      });
      throw new InsufficientMemoryError('test');
    });
    await expect(oom).rejects.toThrow(InsufficientMemoryError);
    // The inner completion is a request of its own; the outer one failed after it.
    expect(h.errors('oom').value).toBe(1);
    expect(h.finished('error').value).toBe(1);
    expect(h.promptTokens.value - prompt).toBeGreaterThan(0);
    expect(h.requestsRunning.value).toBe(0);
    inst.stop();
    await context.dispose();
  });

  it('leaves contexts it was not given alone, and stop() undoes its patches', async () => {
    const context = await newContext();
    const ownGetSequence = Object.hasOwn(context, 'getSequence');
    const batching = (context as unknown as { _batchingOptions: Record<string, unknown> })
      ._batchingOptions;
    const strategy = batching.itemPrioritizationStrategy;
    const inst = instrumentLlama({ lens: engine.lens, context, model: 'other' });
    expect(inst.observesSteps).toBe(true);
    expect(batching.itemPrioritizationStrategy).not.toBe(strategy);
    expect(() => instrumentLlama({ lens: engine.lens, context })).toThrow(/already instrumented/);
    const other = await newContext(1);
    const before = engine.lens.handles('other').generationTokens.value;
    await new LlamaCompletion({ contextSequence: other.getSequence() }).generateCompletion('Hi', {
      maxTokens: 3,
    });
    expect(engine.lens.handles('other').generationTokens.value).toBe(before);
    inst.stop();
    expect(Object.hasOwn(context, 'getSequence')).toBe(ownGetSequence);
    expect(batching.itemPrioritizationStrategy).toBe(strategy);
    await new LlamaCompletion({ contextSequence: context.getSequence() }).generateCompletion('Hi', {
      maxTokens: 3,
    });
    expect(engine.lens.handles('other').generationTokens.value).toBe(before);
    expect(() => instrumentLlama({ lens: engine.lens, context: {} as never })).toThrow(/context/);
    const foreign = { getSequence() {}, disposed: false } as never;
    expect(() => instrumentLlama({ lens: engine.lens, context: foreign })).toThrow(/another copy/);
    await other.dispose();
    await context.dispose();
  });
});
