import { readFileSync } from 'node:fs';
import { SampleIndex, SnapshotBuilder } from '@inferlens/engine-source/internal';
import { parse } from '@inferlens/prom-parse';
import { describe, expect, it } from 'vitest';
import { modelFromModels, modelFromProps, normalizeLlamacpp } from '../src/internal.js';
import { renderSnapshot } from './helpers.js';

const idle = readFileSync(new URL('./fixtures/llamacpp-idle-2024.txt', import.meta.url), 'utf8');

describe('the llama.cpp adapter on an idle 2024 server', () => {
  it('reads every line but the -nan averages, and maps the unlabelled series', () => {
    const parsed = parse(idle);
    // The three -nan averages do not parse as numbers; everything else does.
    expect(parsed.errors.map((e) => idle.split('\n')[e.line - 1])).toEqual([
      'llamacpp:n_busy_slots_per_decode -nan',
      'llamacpp:prompt_tokens_seconds -nan',
      'llamacpp:predicted_tokens_seconds -nan',
    ]);
    const out = new SnapshotBuilder('llamacpp', 'l', 100);
    normalizeLlamacpp(
      new SampleIndex(parsed),
      {
        name: 'l',
        url: 'http://l',
        model: 'llama-3.2-1b',
        data: {},
        fetch: async () => ({ ok: false, reason: 'unreachable', message: '' }),
      },
      out,
    );
    const text = renderSnapshot(out.build());
    const m = 'model_name="llama-3.2-1b",engine="llamacpp",target="l"';
    expect(text).toContain(`llm_requests_running{${m}} 0\n`);
    expect(text).toContain(`llm_requests_waiting{${m}} 0\n`);
    expect(text).toContain(`llm_kv_cache_usage_ratio{${m}} 0\n`);
    expect(text).toContain(`llm_prompt_tokens_total{${m}} 0\n`);
    expect(text).toContain(`llm_generation_tokens_total{${m}} 0\n`);
    // Before prompt_tokens_cached_total there is nothing to say about the prefix cache.
    expect(text).not.toContain('llm_prefix_cache');
  });
});

describe('reading the model name', () => {
  it('takes /v1/models’ first id, else /props’ alias, path or older settings.model', () => {
    expect(modelFromModels({ object: 'list', data: [{ id: 'qwen' }, { id: 'x' }] })).toBe('qwen');
    expect(modelFromModels({ data: [] })).toBeUndefined();
    expect(modelFromModels('nonsense')).toBeUndefined();
    expect(modelFromProps({ model_alias: 'a', model_path: '/m.gguf' })).toBe('a');
    expect(modelFromProps({ model_path: '/m.gguf' })).toBe('/m.gguf');
    expect(modelFromProps({ default_generation_settings: { model: '/old.gguf' } })).toBe(
      '/old.gguf',
    );
    expect(modelFromProps(null)).toBeUndefined();
  });
});
