import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLens, instrument, timeStream } from '../src/index.js';
import { samples } from './helpers.js';

const extraLabels = {
  requests: ['lora', 'tenant'],
  timeToFirstToken: ['lora'],
  generationTokens: ['tenant'],
} as const;

describe('per-request labels on the LLM rows (#11)', () => {
  it('go on the rows that declare them, in every way in: tracker, instrument(), timeStream', async () => {
    const lens = createLens({ engine: 'vllm', extraLabels });
    const a = lens.request({ model: 'llama', labels: { lora: 'sql', tenant: 'acme' } });
    a.tokens(3);
    a.finish({ finishReason: 'length' });
    const engine = new EventEmitter();
    instrument(engine, { lens, model: 'llama' });
    engine.emit('queued', { id: 1, labels: { lora: 'chat' } });
    engine.emit('firstToken', { id: 1, tokens: 2 });
    engine.emit('finished', { id: 1, finishReason: 'stop' });
    const s = lens.request({ model: 'llama', labels: { tenant: 'beta' } });
    async function* chunks() {
      yield { text: 'x', finish: 'stop' };
    }
    for await (const _ of timeStream(s, chunks(), { finish: (c) => ({ finishReason: c.finish }) }));
    const plain = lens.request({ model: 'llama' });
    plain.tokens(1);
    plain.finish({});

    const text = lens.render();
    const got = samples(text);
    const l = 'model_name="llama",engine="vllm"';
    expect(
      got.get(`llm_requests_total{${l},finish_reason="length",lora="sql",tenant="acme"}`),
    ).toBe(1);
    expect(got.get(`llm_requests_total{${l},finish_reason="stop",lora="chat"}`)).toBe(1);
    expect(got.get(`llm_requests_total{${l},finish_reason="stop",tenant="beta"}`)).toBe(1);
    expect(got.get(`llm_requests_total{${l},finish_reason="stop"}`)).toBe(1);
    expect(got.get(`llm_time_to_first_token_seconds_count{${l},lora="sql"}`)).toBe(1);
    expect(got.get(`llm_generation_tokens_total{${l},tenant="acme"}`)).toBe(3);
    // A row that declares none keeps one series per model.
    expect(got.get(`llm_e2e_request_latency_seconds_count{${l}}`)).toBe(4);
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe(
      '',
    );
  });

  it('are bounded like every label: undeclared names counted and left out, long values cut, the series limit holds', () => {
    const lens = createLens({ engine: 'e', extraLabels, seriesLimit: { requests: 3 } });
    lens.request({ model: 'm', labels: { nope: 'x', lora: 'a' } }).finish({});
    lens.request({ model: 'm', labels: { lora: 'x'.repeat(10_000) } }).finish({});
    lens.request({ model: 'm', labels: null as never }).finish({});
    for (let i = 0; i < 10; i++)
      lens.request({ model: 'm', labels: { tenant: `t${i}` } }).finish({});
    const got = samples(lens.render());
    expect(
      got.get('llm_requests_total{model_name="m",engine="e",finish_reason="stop",lora="a"}'),
    ).toBe(1);
    expect(got.get('inferlens_events_dropped_total{reason="invalid_event"}')).toBe(2);
    expect(
      got.get('inferlens_events_dropped_total{reason="label_too_long"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(lens.store.family('requests').size).toBe(4); // the limit, and the overflow series
    expect(got.get('llm_requests_total{otel_metric_overflow="true"}')).toBe(10);
  });
});
