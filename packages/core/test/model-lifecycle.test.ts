import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  createLens,
  recordModelCacheLookup,
  recordModelLoad,
  recordModelLoadFailure,
  recordModelUnload,
} from '../src/index.js';
import { samples } from './helpers.js';

describe('model lifecycle rows and their one-call helpers (#11)', () => {
  it('records a load, a reload with another version, failures, cache lookups and an unload', () => {
    const lens = createLens({ engine: 'llamacpp' });
    recordModelLoad(lens, {
      model: 'qwen',
      seconds: 12.5,
      memoryBytes: 4e9,
      version: 'v1',
      quantization: 'q4_k_m',
      contextLength: 8192,
    });
    recordModelLoad(lens, {
      model: 'qwen',
      seconds: 11,
      memoryBytes: 4.2e9,
      version: 'v2',
      quantization: 'q4_k_m',
      contextLength: 8192,
    });
    recordModelLoadFailure(lens, 'phi', 'oom');
    recordModelCacheLookup(lens, 'qwen', true);
    recordModelCacheLookup(lens, 'qwen', true);
    recordModelCacheLookup(lens, 'phi', false);
    let got = samples(lens.render());
    const q = 'model_name="qwen",engine="llamacpp"';
    expect(got.get(`llm_model_load_time_seconds{${q}}`)).toBe(11);
    expect(got.get(`llm_model_memory_bytes{${q}}`)).toBe(4.2e9);
    expect(
      got.get(
        `llm_model_info{${q},model_version="v2",quantization="q4_k_m",context_length="8192"}`,
      ),
    ).toBe(1);
    expect([...got.keys()].filter((k) => k.startsWith('llm_model_info'))).toHaveLength(1);
    expect(
      got.get('llm_model_load_failures_total{model_name="phi",engine="llamacpp",error_type="oom"}'),
    ).toBe(1);
    expect(got.get(`llm_model_cache_lookups_total{${q},result="hit"}`)).toBe(2);
    expect(
      got.get('llm_model_cache_lookups_total{model_name="phi",engine="llamacpp",result="miss"}'),
    ).toBe(1);
    expect(
      execFileSync('promtool', ['check', 'metrics'], { input: lens.render(), encoding: 'utf8' }),
    ).toBe('');
    recordModelUnload(lens, 'qwen');
    got = samples(lens.render());
    expect(
      [...got.keys()].some(
        (k) => k.startsWith('llm_model_info') || k.startsWith('llm_model_memory'),
      ),
    ).toBe(false);
    expect(got.get(`llm_model_load_time_seconds{${q}}`)).toBe(11);
  });

  it('never throws on bad input: bad fields are counted and left out', () => {
    const lens = createLens({ engine: 'e' });
    expect(() => recordModelLoad(lens, null as never)).not.toThrow();
    expect(() =>
      recordModelLoad(lens, {
        model: 'm',
        seconds: -1,
        memoryBytes: '5' as never,
        version: 3 as never,
        contextLength: 1.5,
      }),
    ).not.toThrow();
    expect(() => recordModelLoadFailure(lens, Symbol('x') as never, 7 as never)).not.toThrow();
    const got = samples(lens.render());
    expect(got.get('llm_model_info{model_name="m",engine="e"}')).toBe(1);
    expect(got.get('inferlens_events_dropped_total{reason="invalid_event"}')).toBe(1);
    // seconds, memoryBytes, version, contextLength, and the failure's model
    expect(got.get('inferlens_events_dropped_total{reason="invalid_value"}')).toBe(5);
  });
});
