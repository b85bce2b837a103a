import { createHash } from 'node:crypto';
import type { BatchItem } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { errorTypeOf, finishReasonOf, tinyModelGguf } from '../src/index.js';
import { fitStep, observeStrategy, type Step } from '../src/strategies.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const item = (n: number, evaluationPriority = 5): BatchItem => ({
  tokens: Array.from({ length: n }, (_, i) => i as never),
  logits: [],
  evaluationPriority: evaluationPriority as never,
});

describe('tinyModelGguf', () => {
  it('writes the same bytes for the same seed, other bytes for another', () => {
    // Pinned: a change to the writer that changes the default model's bytes shows here.
    expect(sha(tinyModelGguf())).toBe(
      '7a98deb27afe69f5945a8100be4d840af6a3a0c7584b86fc912f0ad4cc8bf18e',
    );
    const a = tinyModelGguf({ seed: 3 });
    expect(sha(tinyModelGguf({ seed: 3 }))).toBe(sha(a));
    expect(sha(tinyModelGguf({ seed: 4 }))).not.toBe(sha(a));
    expect(new TextDecoder().decode(a.subarray(0, 4))).toBe('GGUF');
    expect(new DataView(a.buffer, a.byteOffset).getUint32(4, true)).toBe(3);
    expect(a.length % 32).toBe(0);
    expect(a.length).toBeGreaterThan(550_000);
    expect(a.length).toBeLessThan(650_000);
  });
});

describe('steps', () => {
  it('fits prioritized items to the batch as the context does', () => {
    const [a, b, c] = [item(10), item(1), item(1)];
    expect(fitStep([{ item: a, processAmount: 10 }], 512)).toEqual({ tokens: 10, sequences: 1 });
    // processAmount 0 still takes one token; the batch size caps the rest.
    expect(
      fitStep(
        [
          { item: a, processAmount: 6 },
          { item: b, processAmount: 0 },
          { item: c, processAmount: 1 },
        ],
        7,
      ),
    ).toEqual({ tokens: 7, sequences: 2 });
  });

  it('wraps the built-in strategies and a custom one, reporting each step', () => {
    const steps: Step[] = [];
    const items = [item(300), item(300), item(1)];
    const parallel = observeStrategy('maximumParallelism', (s) => steps.push(s));
    // node-llama-cpp's own quirk, kept: its extra passes do not lower the free tokens, so the
    // amounts add up past the batch, and the context's fit leaves the last item out.
    expect(parallel({ items, size: 512 }).map((p) => p.processAmount)).toEqual([300, 300, 1]);
    const fifo = observeStrategy('firstInFirstOut', (s) => steps.push(s));
    expect(fifo({ items, size: 512 }).map((p) => p.processAmount)).toEqual([300, 212]);
    const custom = observeStrategy(
      ({ items }) => items.map((i) => ({ item: i, processAmount: 1 })),
      (s) => steps.push(s),
    );
    custom({ items, size: 512 });
    expect(steps).toEqual([
      { tokens: 512, sequences: 2 },
      { tokens: 512, sequences: 2 },
      { tokens: 3, sequences: 3 },
    ]);
    expect(() => observeStrategy('nope' as never, () => {})).toThrow(/unknown/);
  });
});

describe('finish reasons and error types', () => {
  it('maps stopReason to the standard finish reasons', () => {
    expect(
      [
        'eogToken',
        'stopGenerationTrigger',
        'customStopTrigger',
        'maxTokens',
        'abort',
        'functionCalls',
      ].map(finishReasonOf),
    ).toEqual(['stop', 'stop', 'stop', 'length', 'abort', 'tool_calls']);
  });

  it('keeps error types to a small set', () => {
    class InsufficientMemoryError extends Error {}
    expect(errorTypeOf(new InsufficientMemoryError('x'))).toBe('oom');
    expect(errorTypeOf(Object.assign(new Error('x'), { name: 'DisposedError' }))).toBe('disposed');
    expect(errorTypeOf(new TypeError('x'))).toBe('error');
    expect(errorTypeOf(undefined)).toBe('error');
  });
});
