import { createLens } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
import { StreamTimer } from '../src/internal.js';
import { sampleValue } from './samples.js';

const sse = (events: unknown[], done = true) =>
  events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '');

function time(protocol: 'sglang' | 'llamacpp', body: string) {
  const lens = createLens({ engine: protocol });
  const timer = new StreamTimer(lens.request({ model: 'm' }), { protocol });
  timer.push(body);
  timer.end();
  return lens.render();
}

describe('native streams', () => {
  it('SGLang /generate: one output per event, finish reason and usage from meta_info', () => {
    const meta = (finish: unknown, completion: number) => ({
      id: 'a1',
      finish_reason: finish,
      prompt_tokens: 12,
      completion_tokens: completion,
      cached_tokens: 8,
    });
    const text = time(
      'sglang',
      sse([
        { text: ' The', output_ids: [791], meta_info: meta(null, 1) },
        { text: ' The cache', output_ids: [791, 6636], meta_info: meta(null, 2) },
        {
          text: ' The cache is',
          output_ids: [791, 6636, 374],
          meta_info: meta({ type: 'length', length: 3 }, 3),
        },
      ]),
    );
    expect(sampleValue(text, 'timeToFirstToken', { model_name: 'm' }, '_count')).toBe(1);
    expect(sampleValue(text, 'interTokenLatency', { model_name: 'm' }, '_count')).toBe(2);
    expect(sampleValue(text, 'requests', { finish_reason: 'length' })).toBe(1);
    expect(sampleValue(text, 'generationTokens', { model_name: 'm' })).toBe(3);
    expect(sampleValue(text, 'promptTokens', { model_name: 'm' })).toBe(12);
    expect(sampleValue(text, 'promptTokensCached', { model_name: 'm' })).toBe(8);
  });

  it('SGLang: an error event fails the request; a stream cut before the finish is incomplete', () => {
    const failed = time(
      'sglang',
      sse([{ text: 'a', meta_info: {} }, { error: { message: 'boom' } }]),
    );
    expect(sampleValue(failed, 'requests', { finish_reason: 'error' })).toBe(1);
    const cut = time('sglang', sse([{ text: 'a', meta_info: { finish_reason: null } }], false));
    expect(sampleValue(cut, 'requestErrors', { error_type: 'incomplete_stream' })).toBe(1);
  });

  it('llama.cpp /completion: content events, the stop event ends it without [DONE]', () => {
    const body = sse(
      [
        { content: 'Hel', stop: false, id_slot: 0 },
        { content: 'lo', stop: false, id_slot: 0 },
        {
          content: '',
          stop: true,
          stop_type: 'eos',
          tokens_predicted: 2,
          tokens_evaluated: 9,
          tokens_cached: 4,
        },
      ],
      false,
    );
    const text = time('llamacpp', body);
    expect(sampleValue(text, 'timeToFirstToken', { model_name: 'm' }, '_count')).toBe(1);
    expect(sampleValue(text, 'requests', { finish_reason: 'stop' })).toBe(1);
    expect(sampleValue(text, 'generationTokens', { model_name: 'm' })).toBe(2);
    expect(sampleValue(text, 'promptTokens', { model_name: 'm' })).toBe(9);
    // Older builds said why with booleans.
    const old = time(
      'llamacpp',
      sse(
        [
          { content: 'x', stop: false },
          { content: '', stop: true, stopped_limit: true },
        ],
        false,
      ),
    );
    expect(sampleValue(old, 'requests', { finish_reason: 'length' })).toBe(1);
  });
});
