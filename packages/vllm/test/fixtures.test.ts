import { SampleIndex, SnapshotBuilder } from '@inferlens/engine-source/internal';
import { parse } from '@inferlens/prom-parse';
import { readFixture } from '@inferlens/testkit';
import { describe, expect, it } from 'vitest';
import {
  normalizeVllm,
  VLLM_COUNTERS,
  VLLM_GAUGES,
  VLLM_HISTOGRAMS,
  VLLM_REQUEST_SUCCESS,
} from '../src/internal.js';
import { renderSnapshot } from './helpers.js';

// Real captures, byte for byte, with their source and licence in fixtures/README.md.
const sample = readFixture(import.meta.url, 'vllm-metrics-sample.txt');
const dashboard = readFixture(import.meta.url, 'vllm-grafana.json');

/** vLLM families the official dashboard plots that the standard set has no row for. */
const UNMAPPED: Record<string, string> = {
  'vllm:request_max_num_generation_tokens': 'the max_tokens a request asked for; no standard row',
};

describe('the vLLM adapter on real captured data (test/fixtures)', () => {
  it('maps the metrics example of vLLM’s design doc', () => {
    const parsed = parse(sample);
    // The doc's `...` elisions are the only lines that do not parse.
    expect(parsed.errors.every((e) => sample.split('\n')[e.line - 1] === '...')).toBe(true);
    const out = new SnapshotBuilder('vllm', 'doc', 1000);
    normalizeVllm(
      new SampleIndex(parsed),
      {
        name: 'doc',
        url: 'http://doc',
        model: undefined,
        data: {},
        fetch: async () => ({ ok: false, reason: 'unreachable', message: '' }),
      },
      out,
    );
    const text = renderSnapshot(out.build());
    const m = 'model_name="meta-llama/Llama-3.1-8B-Instruct",engine="vllm"';
    expect(text).toContain(`llm_requests_running{${m},target="doc"} 8\n`);
    expect(text).toContain(`llm_generation_tokens_total{${m},target="doc"} 27453\n`);
    expect(text).toContain(`llm_requests_total{${m},finish_reason="length",target="doc"} 131\n`);
    expect(text).toContain(`llm_requests_total{${m},finish_reason="abort",target="doc"} 0\n`);
    // The sample was trimmed before +Inf and _sum: +Inf comes from _count, _sum stays unknown.
    expect(text).toContain(
      `llm_time_to_first_token_seconds_bucket{${m},target="doc",le="0.04"} 97\n`,
    );
    expect(text).toContain(
      `llm_time_to_first_token_seconds_bucket{${m},target="doc",le="+Inf"} 140\n`,
    );
    expect(text).toContain(`llm_time_to_first_token_seconds_count{${m},target="doc"} 140\n`);
    expect(text).not.toContain('llm_time_to_first_token_seconds_sum');
  });

  it('knows every vLLM metric the official dashboard queries', () => {
    const used = new Set(
      [...dashboard.matchAll(/vllm:[a-z0-9_:]+/g)].map((m) =>
        m[0].replace(/_(bucket|sum|count)$/, ''),
      ),
    );
    expect(used.size).toBeGreaterThan(10);
    const known = new Set([
      ...[...VLLM_GAUGES, ...VLLM_COUNTERS, ...VLLM_HISTOGRAMS].flatMap(([, names]) => names),
      VLLM_REQUEST_SUCCESS,
      ...Object.keys(UNMAPPED),
    ]);
    expect([...used].filter((n) => !known.has(n))).toEqual([]);
  });
});
