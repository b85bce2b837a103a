import { createLens } from '@inferlens/core';
import { SseDecoder, timeChunks, timeSse, timeSseBytes } from '@inferlens/engine-source/internal';
import { startFakeVllm } from '@inferlens/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let vllm: Awaited<ReturnType<typeof startFakeVllm>>;
let client: OpenAI;
beforeAll(async () => {
  vllm = await startFakeVllm({ engine: { eosProbability: 0 } });
  client = new OpenAI({ baseURL: `${vllm.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => vllm.close());

const messages = [{ role: 'user' as const, content: 'Explain prefix caching in one line.' }];

describe('timing vLLM streams from the client side', () => {
  it('times the official openai client’s chat stream: TTFT at the first content, ITL, TPOT, usage', async () => {
    const lens = createLens({ engine: 'gateway' });
    const r = lens.request({ model: vllm.model, engine: 'vllm' });
    const stream = await client.chat.completions.create({
      model: vllm.model,
      messages,
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    for await (const c of timeChunks(r, stream)) {
      chunks++;
      text += c.choices[0]?.delta?.content ?? '';
    }
    expect(chunks).toBe(7); // role-only chunk, 5 content chunks, usage chunk
    expect(text.length).toBeGreaterThan(0);
    const h = lens.handles(vllm.model, 'vllm');
    expect(h.timeToFirstToken.count).toBe(1);
    expect(h.interTokenLatency.count).toBe(4);
    expect(h.timePerOutputToken.count).toBe(1);
    expect(h.e2eRequestLatency.count).toBe(1);
    expect(h.generationTokens.value).toBe(5);
    expect(h.promptTokens.value).toBeGreaterThan(0);
    expect(h.finished('length').value).toBe(1);
  });

  it('records a mid-stream error event as a failure with its type', async () => {
    const lens = createLens({ engine: 'gateway' });
    const r = lens.request({ model: vllm.model });
    const stream = await client.chat.completions.create(
      { model: vllm.model, messages, max_tokens: 8, stream: true },
      { headers: { 'x-fake-error-after': '2' } },
    );
    await expect(async () => {
      for await (const _ of timeChunks(r, stream)) {
      }
    }).rejects.toThrow();
    const h = lens.handles(vllm.model);
    expect(h.errors('internal_server_error').value).toBe(1);
    expect(h.finished('error').value).toBe(1);
    expect(h.timeToFirstToken.count).toBe(1);
    expect(h.generationTokens.value).toBe(2);
  });

  it('records an abort when the consumer stops early', async () => {
    const lens = createLens({ engine: 'gateway' });
    const r = lens.request({ model: vllm.model });
    const stream = await client.completions.create({
      model: vllm.model,
      prompt: 'Hi',
      max_tokens: 50,
      stream: true,
    });
    for await (const c of timeChunks(r, stream)) if (c.choices[0]?.text) break;
    expect(lens.handles(vllm.model).finished('abort').value).toBe(1);
    expect(lens.handles(vllm.model).timeToFirstToken.count).toBe(1);
  });

  it('times a plain fetch body, as events or as untouched bytes', async () => {
    const lens = createLens({ engine: 'gateway' });
    const body = JSON.stringify({
      model: vllm.model,
      prompt: 'Hi',
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    const post = () =>
      fetch(`${vllm.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const events = [];
    for await (const e of timeSse(lens.request({ model: vllm.model }), (await post()).body!))
      events.push(e.data);
    expect(events.at(-1)).toBe('[DONE]');
    expect(JSON.parse(events.at(-2)!).usage.completion_tokens).toBe(4);
    const decoder = new SseDecoder();
    const passed: string[] = [];
    for await (const bytes of timeSseBytes(
      lens.request({ model: vllm.model }),
      (await post()).body!,
    ))
      passed.push(...decoder.push(bytes).map((e) => e.data));
    expect(passed.length).toBe(events.length);
    const h = lens.handles(vllm.model);
    expect(h.timeToFirstToken.count).toBe(2);
    expect(h.interTokenLatency.count).toBe(6);
    expect(h.finished('length').value).toBe(2);
    expect(h.generationTokens.value).toBe(8);
  });
});
