import { createLens } from '@inferlens/core';
import { StreamTimer, timeChunks, timeSse } from '@inferlens/engine-source/internal';
import { readFixture, startFakeTgi } from '@inferlens/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sample = readFixture(import.meta.url, 'tgi-generate-stream-sample.txt');
let tgi: Awaited<ReturnType<typeof startFakeTgi>>;
beforeAll(async () => {
  tgi = await startFakeTgi({ keepAlive: true, engine: { eosProbability: 0 } });
});
afterAll(() => tgi.close());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${tgi.url}/generate_stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('timing TGI streams from the client side', () => {
  it('times the real /generate_stream capture (data: with no space), however it is chunked', () => {
    const bytes = new TextEncoder().encode(sample);
    for (const size of [1, 7, 64, bytes.length]) {
      const lens = createLens({ engine: 'gateway' });
      const timer = new StreamTimer(lens.request({ model: 'swallow' }), { protocol: 'tgi' });
      const tokens: string[] = [];
      let final = '';
      const events = [];
      for (let i = 0; i < bytes.length; i += size)
        events.push(...timer.push(bytes.slice(i, i + size)));
      // The capture ends without the blank line after its last event; end() flushes it.
      events.push(...timer.end());
      for (const e of events) {
        const j = JSON.parse(e.data);
        tokens.push(j.token.text);
        final = j.generated_text ?? final;
      }
      expect(tokens.join('')).toBe(final);
      const h = lens.handles('swallow');
      expect(h.generationTokens.value).toBe(20);
      expect(h.timeToFirstToken.count).toBe(1);
      expect(h.interTokenLatency.count).toBe(19);
      // Without `details`, TGI does not say why it stopped.
      expect(h.finished('unknown').value).toBe(1);
    }
  });

  it('times /generate_stream with details: finish reason, prompt and generated tokens', async () => {
    const lens = createLens({ engine: 'gateway' });
    const r = lens.request({ model: tgi.model, engine: 'tgi' });
    const res = await post({
      inputs: 'What is a KV cache?',
      parameters: { max_new_tokens: 6, details: true },
    });
    const events = [];
    for await (const e of timeSse(r, res.body!, { protocol: 'tgi' }))
      events.push(JSON.parse(e.data));
    expect(events).toHaveLength(6);
    expect(events.at(-1).details.finish_reason).toBe('length');
    const h = lens.handles(tgi.model, 'tgi');
    expect(h.finished('length').value).toBe(1);
    expect(h.timeToFirstToken.count).toBe(1);
    expect(h.interTokenLatency.count).toBe(5);
    expect(h.promptTokens.value).toBe(events.at(-1).details.input_length);
    expect(h.generationTokens.value).toBe(6);
  });

  it('records validation and generation error events with their error_type', async () => {
    const lens = createLens({ engine: 'gateway' });
    for await (const _ of timeSse(
      lens.request({ model: 'm' }),
      (await post({ inputs: 'x', parameters: { max_new_tokens: 9999 } })).body!,
      { protocol: 'tgi' },
    )) {
    }
    const res = await post(
      { inputs: 'x', parameters: { max_new_tokens: 8 } },
      { 'x-fake-error-after': '3' },
    );
    for await (const _ of timeSse(lens.request({ model: 'm' }), res.body!, { protocol: 'tgi' })) {
    }
    const h = lens.handles('m');
    expect(h.errors('validation').value).toBe(1);
    expect(h.errors('generation').value).toBe(1);
    expect(h.finished('error').value).toBe(2);
    expect(h.generationTokens.value).toBe(3);
  });

  it('times TGI’s /v1/chat/completions through the openai client (data: without a space)', async () => {
    const lens = createLens({ engine: 'gateway' });
    const client = new OpenAI({ baseURL: `${tgi.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const r = lens.request({ model: tgi.model, engine: 'tgi' });
    const stream = await client.chat.completions.create({
      model: tgi.model,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    let n = 0;
    for await (const _ of timeChunks(r, stream)) n++;
    expect(n).toBe(5); // 4 token chunks (role on each), 1 usage chunk
    const h = lens.handles(tgi.model, 'tgi');
    expect(h.timeToFirstToken.count).toBe(1);
    expect(h.interTokenLatency.count).toBe(3);
    expect(h.finished('length').value).toBe(1);
    expect(h.generationTokens.value).toBe(4);
  });
});
