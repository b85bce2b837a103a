import { describe, expect, it } from 'vitest';
import { timeStream } from '../src/index.js';
import { manualLens } from './helpers.js';

type Chunk = { text: string; finish?: string; usage?: { prompt: number; completion: number } };

/** A stream whose chunks arrive at the given clock times. */
async function* chunks(clock: { t: number }, items: [number, Chunk][], failAfter?: number) {
  let i = 0;
  for (const [t, chunk] of items) {
    clock.t = t;
    if (failAfter !== undefined && i++ === failAfter) throw new Error('upstream reset');
    yield chunk;
  }
}

const options = {
  tokens: (c: Chunk) => (c.text ? 1 : 0),
  finish: (c: Chunk) =>
    c.finish || c.usage
      ? {
          finishReason: c.finish,
          promptTokens: c.usage?.prompt,
          generationTokens: c.usage?.completion,
        }
      : undefined,
};

describe('timeStream', () => {
  it('times TTFT at the first chunk with content, not the role-only chunk', async () => {
    const { lens, clock } = manualLens();
    const r = lens.request({ model: 'm' });
    const seen: Chunk[] = [];
    for await (const c of timeStream(
      r,
      chunks(clock, [
        [50, { text: '' }],
        [200, { text: 'Hel' }],
        [230, { text: 'lo' }],
        [260, { text: '!', finish: 'stop' }],
        [270, { text: '', usage: { prompt: 12, completion: 3 } }],
      ]),
      options,
    ))
      seen.push(c);
    expect(seen).toHaveLength(5);
    const h = lens.handles('m');
    expect(h.timeToFirstToken.sum).toBeCloseTo(0.2, 12);
    expect(h.interTokenLatency.count).toBe(2);
    expect(h.interTokenLatency.sum).toBeCloseTo(0.06, 12);
    expect(h.e2eRequestLatency.sum).toBeCloseTo(0.27, 12);
    expect(h.timePerOutputToken.sum).toBeCloseTo(0.035, 12);
    expect(h.finished('stop').value).toBe(1);
    expect(h.promptTokens.value).toBe(12);
  });

  it('records an abort when the consumer stops early', async () => {
    const { lens, clock } = manualLens();
    const r = lens.request({ model: 'm' });
    for await (const c of timeStream(
      r,
      chunks(clock, [
        [10, { text: 'a' }],
        [20, { text: 'b' }],
      ]),
      options,
    )) {
      if (c.text === 'a') break;
    }
    expect(lens.handles('m').finished('abort').value).toBe(1);
    expect(r.ended).toBe(true);
  });

  it('records a failure and rethrows the source error', async () => {
    const { lens, clock } = manualLens();
    const r = lens.request({ model: 'm' });
    const run = async () => {
      for await (const _ of timeStream(
        r,
        chunks(
          clock,
          [
            [10, { text: 'a' }],
            [20, { text: 'b' }],
          ],
          1,
        ),
        {
          ...options,
          errorType: () => 'upstream_reset',
        },
      ));
    };
    await expect(run()).rejects.toThrow('upstream reset');
    const h = lens.handles('m');
    expect(h.errors('upstream_reset').value).toBe(1);
    expect(h.finished('error').value).toBe(1);
    expect(h.finished('abort').value).toBe(0);
  });

  it('survives extractors that throw', async () => {
    const { lens, clock } = manualLens();
    const r = lens.request({ model: 'm' });
    const out: Chunk[] = [];
    for await (const c of timeStream(r, chunks(clock, [[10, { text: 'a' }]]), {
      tokens: () => {
        throw new Error('bug');
      },
      finish: () => {
        throw new Error('bug');
      },
    }))
      out.push(c);
    expect(out).toHaveLength(1);
    expect(lens.handles('m').finished('stop').value).toBe(1);
  });
});
