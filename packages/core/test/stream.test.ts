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
    // No finish reason ever came through, so the end cannot be told from a cut-off stream.
    expect(lens.handles('m').errors('incomplete_stream').value).toBe(1);
  });

  it('fails a stream cut off before any finish reason: no stop, no e2e, no time per output token (#11)', async () => {
    const { lens, clock } = manualLens();
    const r = lens.request({ model: 'm' });
    for await (const _ of timeStream(
      r,
      chunks(clock, [
        [100, { text: 'a' }],
        [120, { text: 'b' }],
        [140, { text: 'c' }],
      ]),
      options,
    ));
    const h = lens.handles('m');
    expect(h.finished('stop').value).toBe(0);
    expect(h.errors('incomplete_stream').value).toBe(1);
    expect(h.e2eRequestLatency.count).toBe(0);
    expect(h.timePerOutputToken.count).toBe(0);
    expect(h.timeToFirstToken.count).toBe(1);
  });

  it('records the README example: `length` from the finish chunk, usage from the chunk after (#11)', async () => {
    type OpenAIChunk = {
      choices: { delta: { content?: string }; finish_reason: string | null }[];
      usage?: { prompt_tokens: number; completion_tokens: number } | null;
    };
    const { lens, clock } = manualLens();
    const at = (t: number, c: OpenAIChunk): [number, OpenAIChunk] => [t, c];
    async function* completion() {
      for (const [t, c] of [
        at(10, { choices: [{ delta: {}, finish_reason: null }] }),
        at(50, { choices: [{ delta: { content: 'a' }, finish_reason: null }] }),
        at(70, { choices: [{ delta: { content: 'b' }, finish_reason: 'length' }] }),
        at(80, { choices: [], usage: { prompt_tokens: 7, completion_tokens: 2 } }),
      ]) {
        clock.t = t;
        yield c;
      }
    }
    const r = lens.request({ model: 'gpt-4o-mini' });
    // The example of packages/core/README.md, as written there.
    for await (const _chunk of timeStream(r, completion(), {
      tokens: (c) => (c.choices[0]?.delta?.content ? 1 : 0),
      finish: (c) => ({
        finishReason: c.choices[0]?.finish_reason ?? undefined,
        promptTokens: c.usage?.prompt_tokens,
        generationTokens: c.usage?.completion_tokens,
      }),
    }));
    const h = lens.handles('gpt-4o-mini');
    expect(h.finished('length').value).toBe(1);
    expect(h.finished('stop').value).toBe(0);
    expect(h.promptTokens.value).toBe(7);
    expect(h.timePerOutputToken.sum).toBeCloseTo(0.03, 12);
  });

  it('does not count network reads of a byte stream as tokens (#11)', async () => {
    const { lens, clock } = manualLens();
    async function* body() {
      for (const t of [30, 40, 50, 60]) {
        clock.t = t;
        yield new TextEncoder().encode('data: {}\n\n');
      }
    }
    const r = lens.request({ model: 'm' });
    for await (const _ of timeStream(r, body()));
    const h = lens.handles('m');
    expect(h.timeToFirstToken.sum).toBeCloseTo(0.03, 12);
    expect(h.generationTokens.value).toBe(0);
    expect(h.interTokenLatency.count).toBe(0);
    expect(h.finished('unknown').value).toBe(1);
  });

  it('records an AbortError from the source as an abort, as the engine-source timers do', async () => {
    const { lens } = manualLens();
    const r = lens.request({ model: 'm' });
    async function* cancelled() {
      yield { text: 'a' };
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    }
    await expect(async () => {
      for await (const _ of timeStream(r, cancelled(), options));
    }).rejects.toThrow('aborted');
    expect(lens.handles('m').finished('abort').value).toBe(1);
  });
});
