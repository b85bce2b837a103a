import type { ModelHandles } from '@inferlens/core/internal';
import {
  LlamaCompletion,
  type LlamaContext,
  type LlamaContextSequence,
  type Token,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  END_OF_TEXT_CHAR,
  instrumentLlama,
  LlamaScheduler,
  type SchedulerSlot,
} from '../src/index.js';
import { openEngine, type TestEngine } from './setup.js';

// Every figure the lens records is checked against what node-llama-cpp itself reports for the
// same run: the tokens handed to onToken, the model's tokenizer, the sequences' tokens and token
// meters, and each generation's stopReason. 4 sequences, 1 thread (see test/setup.ts).

const SEQUENCES = 4;
const CONTEXT = 256;

/** What the engine reported for one request, collected by the test around the call. */
interface Seen {
  stopReason: string;
  tokens: number;
  outputs: number;
  /** The prompt as the model tokenizes it, BOS included. */
  prompt: number;
  /** The prefix of the prompt the sequence already held before the request. */
  reused: number;
}

let engine: TestEngine;
let context: LlamaContext;
let h: ModelHandles;
const seen: Seen[] = [];

beforeAll(async () => {
  engine = await openEngine();
  context = await engine.model.createContext({
    contextSize: CONTEXT,
    sequences: SEQUENCES,
    threads: 1,
  });
  h = engine.lens.handles('tiny');
});

afterAll(async () => {
  await context?.dispose();
  await engine?.close();
});

function commonPrefix(a: readonly Token[], b: readonly Token[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** One completion on a scheduler slot, with the engine's own view of it recorded in `seen`. */
async function complete(
  scheduler: LlamaScheduler,
  prompt: string,
  options: {
    maxTokens: number;
    abortAfter?: number;
    stopTrigger?: string;
    onWait?: () => void;
  },
): Promise<void> {
  const controller = new AbortController();
  const run = scheduler.run(async (slot: SchedulerSlot) => {
    // LlamaCompletion tokenizes a string prompt this way, then prepends BOS.
    const tokens = engine.model.tokenize(prompt, false, 'trimLeadingSpace');
    const withBos = [engine.model.tokens.bos as Token, ...tokens];
    // node-llama-cpp evaluates at least the prompt's last token, so at most P - 1 are reused.
    const reused = Math.min(commonPrefix(slot.sequence.contextTokens, withBos), withBos.length - 1);
    const entry: Seen = { stopReason: '', tokens: 0, outputs: 0, prompt: withBos.length, reused };
    seen.push(entry);
    try {
      const r = await slot.completion.generateCompletionWithMeta(prompt, {
        maxTokens: options.maxTokens,
        temperature: 0,
        signal: controller.signal,
        ...(options.stopTrigger ? { customStopTriggers: [options.stopTrigger] } : {}),
        onToken: (t) => {
          entry.tokens += t.length;
          entry.outputs++;
          options.onWait?.();
          if (entry.outputs === options.abortAfter) controller.abort();
        },
      });
      entry.stopReason = r.metadata.stopReason;
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
      entry.stopReason = 'abort';
    }
  });
  await run;
}

const REASONS: Record<string, string> = {
  maxTokens: 'length',
  customStopTrigger: 'stop',
  eogToken: 'stop',
  stopGenerationTrigger: 'stop',
  abort: 'abort',
};

function tally(entries: Seen[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) {
    const r = REASONS[e.stopReason] ?? `unmapped:${e.stopReason}`;
    out[r] = (out[r] ?? 0) + 1;
  }
  return out;
}

const sum = (entries: Seen[], f: (e: Seen) => number) => entries.reduce((a, e) => a + f(e), 0);

function meterTotal(sequences: readonly LlamaContextSequence[], kind?: 'input'): number {
  let n = 0;
  for (const s of sequences)
    n += s.tokenMeter.usedInputTokens + (kind === 'input' ? 0 : s.tokenMeter.usedOutputTokens);
  return n;
}

describe('instrumentLlama on a real context (4 sequences, 1 thread)', () => {
  it('records what the engine reports, with queueing, an abort, a stop trigger and prefix reuse', async () => {
    const instrumentation = instrumentLlama({ lens: engine.lens, context, model: 'tiny' });
    const scheduler = new LlamaScheduler({ context });
    expect(scheduler.slots).toHaveLength(SEQUENCES);

    // A dry run on its own picks a stop trigger the greedy model will emit for this prompt.
    const probe = new LlamaCompletion({ contextSequence: scheduler.slots[0]!.sequence });
    const probeText = await probe.generateCompletion('Stop here: the end', {
      maxTokens: 12,
      temperature: 0,
    });
    const trigger = probeText.slice(3, 5);
    expect(trigger).toHaveLength(2);
    seen.length = 0;
    const base = {
      tokens: h.generationTokens.value,
      prompt: h.promptTokens.value,
      cached: h.promptTokensCached.value,
      ttft: h.timeToFirstToken.count,
      itl: h.interTokenLatency.count,
      steps: h.iterationTokens.sum,
      meters: meterTotal(scheduler.slots.map((s) => s.sequence)),
      input: meterTotal(
        scheduler.slots.map((s) => s.sequence),
        'input',
      ),
      length: h.finished('length').value, // the dry run
    };

    let maxWaiting = 0;
    let maxRunning = 0;
    const onWait = () => {
      maxWaiting = Math.max(maxWaiting, h.requestsWaiting.value);
      maxRunning = Math.max(maxRunning, h.requestsRunning.value);
    };
    const shared = 'You are a tiny test model. Answer the question in a few words. Question: ';
    // Wave 1: ten requests on four sequences.
    await Promise.all([
      ...Array.from({ length: 6 }, (_, i) =>
        complete(scheduler, `${shared}what is ${i} + ${i}?`, { maxTokens: 6 + i * 3, onWait }),
      ),
      complete(scheduler, `${shared}count to forty`, { maxTokens: 40, abortAfter: 3, onWait }),
      complete(scheduler, 'Stop here: the end', { maxTokens: 30, stopTrigger: trigger, onWait }),
      complete(scheduler, `${shared}say nothing${END_OF_TEXT_CHAR}`, { maxTokens: 20, onWait }),
      complete(scheduler, 'A short one', { maxTokens: 4, onWait }),
    ]);
    const wave1 = seen.slice();
    // Wave 2: the same shared prefix again, on sequences that still hold wave 1's tokens.
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        complete(scheduler, `${shared}what is ${i} + ${i}? Think.`, { maxTokens: 5, onWait }),
      ),
    );
    const wave2 = seen.slice(wave1.length);

    // Finish reasons: the engine's stopReason of every request, mapped.
    expect(tally(seen)).toEqual({ length: 11, abort: 1, stop: 2 });
    expect(seen.map((e) => e.stopReason)).toEqual(
      expect.arrayContaining(['customStopTrigger', 'eogToken', 'abort']),
    );
    expect(h.finished('length').value - base.length).toBe(11);
    expect(h.finished('stop').value).toBe(2);
    expect(h.finished('abort').value).toBe(1);

    // Tokens: Σ of the tokens node-llama-cpp handed to onToken.
    expect(h.generationTokens.value - base.tokens).toBe(sum(seen, (e) => e.tokens));
    // TTFT once per request that produced a token; ITL once per later onToken call.
    const producing = seen.filter((e) => e.outputs > 0);
    expect(h.timeToFirstToken.count - base.ttft).toBe(producing.length);
    expect(h.interTokenLatency.count - base.itl).toBe(sum(producing, (e) => e.outputs - 1));

    // Prompt tokens (aborted ones included) and the reused prefix, from the tokenizer and the
    // tokens each sequence held before its request.
    expect(h.promptTokens.value - base.prompt).toBe(sum(seen, (e) => e.prompt));
    expect(h.promptTokensCached.value - base.cached).toBe(sum(seen, (e) => e.reused));
    // Wave 2 found the shared prefix (BOS and all but its last token, which merges with the next
    // word) on the sequences whose last request had it.
    const sharedTokens = engine.model.tokenize(shared, false, 'trimLeadingSpace').length;
    expect(Math.max(...wave2.map((e) => e.reused))).toBeGreaterThanOrEqual(sharedTokens);

    // The token meters: a prompt's evaluated tokens are metered as input, but for its last one,
    // which carries the logits of the first sampled token (generated tokens are all output).
    const processed =
      h.promptTokens.value - base.prompt - (h.promptTokensCached.value - base.cached);
    const input = meterTotal(
      scheduler.slots.map((s) => s.sequence),
      'input',
    );
    expect(input - base.input).toBe(processed - seen.length);

    // Engine steps: every token in a batch is metered as input or output on its sequence.
    const meters = meterTotal(scheduler.slots.map((s) => s.sequence));
    expect(h.iterationTokens.sum - base.steps).toBe(meters - base.meters);
    expect(h.batchSize.sum).toBeGreaterThan(h.batchSize.count); // shared batches happened
    expect(h.batchSize.counts.slice(0, 4).reduce((a, b) => a + b, 0)).toBe(h.batchSize.count);

    // Queueing: more requests than sequences waited; both gauges end at 0.
    expect(maxWaiting).toBeGreaterThan(0);
    expect(maxRunning).toBe(SEQUENCES);
    expect(h.requestsWaiting.value).toBe(0);
    expect(h.requestsRunning.value).toBe(0);
    expect(instrumentation.inFlight).toBe(0);

    // KV usage: Σ tokens held by the sequences ÷ (contextSize × sequences).
    await engine.lens.collect();
    const held = scheduler.slots.reduce((a, s) => a + s.sequence.nextTokenIndex, 0);
    expect(h.kvCacheUsage.value).toBeCloseTo(held / (CONTEXT * SEQUENCES), 10);
    expect(h.kvCacheUsage.value).toBeGreaterThan(0);
    expect(engine.lens.series('modelLoadTime', { model_name: 'tiny' }).value).toBeGreaterThan(0);
    // The model's own figures: node-llama-cpp's size in memory and training context length.
    expect(engine.lens.series('modelMemory', { model_name: 'tiny' }).value).toBe(engine.model.size);
    expect(engine.model.size).toBeGreaterThan(0);
    const info = await engine.lens.scrape();
    expect(info.body).toMatch(
      new RegExp(
        `llm_model_info\\{[^}]*model_name="tiny"[^}]*context_length="${engine.model.trainContextSize}"`,
      ),
    );
    instrumentation.stop();
  });
});
