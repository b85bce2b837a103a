import { readFileSync } from 'node:fs';
import {
  SampleIndex,
  SnapshotBuilder,
  type TargetContext,
} from '@inferlens/engine-source/internal';
import { parse } from '@inferlens/prom-parse';
import { describe, expect, it } from 'vitest';
import { normalizeSglang } from '../src/internal.js';
import { renderSnapshot } from './helpers.js';

const doc = readFileSync(new URL('./fixtures/sglang-doc-example.txt', import.meta.url), 'utf8');

const target = (model?: string): TargetContext => ({
  name: 'doc',
  url: 'http://doc',
  model,
  data: {},
  fetch: async () => ({ ok: false, reason: 'unreachable', message: '' }),
});

function normalize(text: string, model?: string): string {
  const parsed = parse(text);
  expect(parsed.errors).toEqual([]);
  const out = new SnapshotBuilder('sglang', 'doc', 1000);
  normalizeSglang(new SampleIndex(parsed), target(model), out);
  return renderSnapshot(out.build());
}

describe('the SGLang adapter on the production-metrics doc example (v0.4 layout)', () => {
  const text = normalize(doc);
  const m = 'model_name="meta-llama/Llama-3.1-8B-Instruct",engine="sglang"';

  it('maps gauges, token counters and the KV fraction', () => {
    expect(text).toContain(`llm_requests_running{${m},target="doc"} 162\n`);
    expect(text).toContain(`llm_requests_waiting{${m},target="doc"} 2826\n`);
    expect(text).toContain(`llm_kv_cache_usage_ratio{${m},target="doc"} 0.28\n`);
    expect(text).toContain(`llm_prompt_tokens_total{${m},target="doc"} 8128902\n`);
    expect(text).toContain(`llm_generation_tokens_total{${m},target="doc"} 7557572\n`);
    // Already a fraction in this layout: not rescaled.
    expect(text).toContain(`llm_sglang_cache_hit_ratio{${m},target="doc"} 0.007507552643049313\n`);
  });

  it('keeps SGLang’s buckets and reads the old per-token histogram name as ITL', () => {
    expect(text).toContain(
      `llm_time_to_first_token_seconds_bucket{${m},target="doc",le="0.04"} 1\n`,
    );
    expect(text).toContain(
      `llm_time_to_first_token_seconds_bucket{${m},target="doc",le="30"} 2513\n`,
    );
    expect(text).toContain(`llm_time_to_first_token_seconds_count{${m},target="doc"} 11008\n`);
    expect(text).toContain(
      `llm_e2e_request_latency_seconds_bucket{${m},target="doc",le="0.3"} 0\n`,
    );
    expect(text).toContain(`llm_inter_token_latency_seconds_count{${m},target="doc"} 7400757\n`);
  });

  it('never takes the function timer’s `name` label for a model, and invents no rows', () => {
    expect(text).not.toContain('generate_request');
    // This layout has no request counter and no cached-token counter: those rows stay absent.
    expect(text).not.toContain('llm_requests_total');
    expect(text).not.toContain('llm_prefix_cache_hits_total');
    expect(text).not.toContain('llm_prompt_tokens_cached_total');
  });

  it('lets the target’s model option win over the engine’s label', () => {
    expect(normalize(doc, 'llama-8b')).toContain('llm_requests_running{model_name="llama-8b",');
  });
});
