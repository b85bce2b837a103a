import { createLens, timeStream } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
import { timeChunks } from '../src/index.js';

type Chunk = {
  choices: { delta: { content?: string }; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number };
};
const token = (content: string, finish: string | null = null): Chunk => ({
  choices: [{ delta: { content }, finish_reason: finish }],
});
async function* from(chunks: Chunk[]) {
  yield* chunks;
}
const extract = {
  tokens: (c: Chunk) => (c.choices[0]?.delta?.content ? 1 : 0),
  finish: (c: Chunk) => ({
    finishReason: c.choices[0]?.finish_reason ?? undefined,
    promptTokens: c.usage?.prompt_tokens,
  }),
};

/** Runs the same chunks through core's timeStream and engine-source's timeChunks. */
async function outcomes(chunks: Chunk[]): Promise<string[]> {
  const out: string[] = [];
  for (const run of [
    (r: Parameters<typeof timeChunks>[0]) => timeStream(r, from(chunks), extract),
    (r: Parameters<typeof timeChunks>[0]) => timeChunks(r, from(chunks)),
  ]) {
    const lens = createLens({ engine: 'e' });
    for await (const _ of run(lens.request({ model: 'm' })));
    const h = lens.handles('m');
    const reasons = ['stop', 'length', 'unknown', 'error'].filter((r) => h.finished(r).value > 0);
    const errors = h.errors('incomplete_stream').value > 0 ? ['incomplete_stream'] : [];
    out.push([...reasons, ...errors, `e2e=${h.e2eRequestLatency.count}`].join(' '));
  }
  return out;
}

describe('one outcome rule for timeStream and the engine-source stream timers (#11)', () => {
  it('a stream cut off before its finish reason fails as incomplete_stream in both, with no e2e', async () => {
    const [core, source] = await outcomes([token('a'), token('b')]);
    expect(core).toBe('error incomplete_stream e2e=0');
    expect(source).toBe(core);
  });

  it('a `length` finish followed by a usage chunk is `length` in both', async () => {
    const chunks = [
      token('a'),
      token('b', 'length'),
      { choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } },
    ];
    const [core, source] = await outcomes(chunks);
    expect(core).toBe('length e2e=1');
    expect(source).toBe(core);
  });
});
