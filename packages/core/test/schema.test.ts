import { describe, expect, it } from 'vitest';
import {
  LLM_LABELS,
  labelNamesOf,
  type MetricDefinition,
  metricIds,
  schema,
} from '../src/internal.js';

const rows = Object.entries(schema) as [string, MetricDefinition][];

describe('schema', () => {
  it('publishes every name the issue lists, exactly once', () => {
    const names = rows.map(([, d]) => d.prometheus);
    expect(new Set(names).size).toBe(names.length);
    for (const expected of [
      'llm_requests_total',
      'llm_request_errors_total',
      'llm_time_to_first_token_seconds',
      'llm_inter_token_latency_seconds',
      'llm_time_per_output_token_seconds',
      'llm_e2e_request_latency_seconds',
      'llm_request_queue_time_seconds',
      'llm_request_prefill_time_seconds',
      'llm_request_decode_time_seconds',
      'llm_prompt_tokens_total',
      'llm_generation_tokens_total',
      'llm_request_prompt_tokens',
      'llm_request_generation_tokens',
      'llm_prefix_cache_queries_total',
      'llm_prefix_cache_hits_total',
      'llm_requests_running',
      'llm_requests_waiting',
      'llm_kv_cache_usage_ratio',
      'llm_preemptions_total',
      'llm_iteration_tokens',
      'llm_model_load_time_seconds',
    ])
      expect(names).toContain(expected);
  });

  it('follows Prometheus naming: counters end in _total, others do not, units are suffixes', () => {
    for (const [id, d] of rows) {
      expect(d.prometheus, id).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      if (d.kind === 'counter') expect(d.prometheus, id).toMatch(/_total$/);
      else expect(d.prometheus, id).not.toMatch(/_total$/);
      if (d.promUnit === 'seconds' && d.kind !== 'counter')
        expect(d.prometheus, id).toMatch(/_seconds$/);
      if (d.unit === 's') expect(d.promUnit, id).toBe('seconds');
    }
  });

  it('gives every row a help text and a one-sentence definition', () => {
    for (const [id, d] of rows) {
      expect(d.help.length, id).toBeGreaterThan(10);
      expect(d.definition.length, id).toBeGreaterThan(10);
    }
  });

  it('has strictly increasing finite buckets on every histogram and none elsewhere', () => {
    for (const [id, d] of rows) {
      if (d.kind !== 'histogram') {
        expect(d.buckets, id).toBeUndefined();
        continue;
      }
      const b = d.buckets!;
      expect(b.length, id).toBeGreaterThan(3);
      for (let i = 1; i < b.length; i++) expect(b[i]!, id).toBeGreaterThan(b[i - 1]!);
      expect(b.every(Number.isFinite), id).toBe(true);
    }
  });

  it('gives every summary a valid window and no buckets, and nothing else a window', () => {
    for (const [id, d] of rows) {
      if (d.kind !== 'summary') {
        expect([d.quantiles, d.maxAgeSeconds, d.ageBuckets], id).toEqual([
          undefined,
          undefined,
          undefined,
        ]);
        continue;
      }
      expect(d.buckets, id).toBeUndefined();
      const q = d.quantiles!;
      for (let i = 0; i < q.length; i++) {
        expect(q[i]! > 0 && q[i]! < 1, id).toBe(true);
        if (i > 0) expect(q[i]!, id).toBeGreaterThan(q[i - 1]!);
      }
      expect(Number.isInteger(d.maxAgeSeconds) && d.maxAgeSeconds! > 0, id).toBe(true);
      expect(Number.isInteger(d.ageBuckets) && d.ageBuckets! > 0, id).toBe(true);
      // promtool's lint rejects a name containing its own type, and a summary's name must differ
      // from every histogram's (their _sum and _count would collide).
      expect(d.prometheus, id).not.toMatch(/_summary(_|$)/);
    }
    expect(schema.httpRequestDurationSummary.labels).toEqual(schema.httpRequestDuration.labels);
  });

  it('uses the semconv bucket lists as a prefix and extends TTFT past 10 s', () => {
    // Verbatim from the GenAI semconv (open-telemetry/semantic-conventions-genai, gen-ai-metrics.md).
    const semconvTtft = [
      0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    ];
    const semconvTpot = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
    const semconvDuration = [
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ];
    expect(schema.timeToFirstToken.buckets.slice(0, semconvTtft.length)).toEqual(semconvTtft);
    expect(schema.timeToFirstToken.buckets.at(-1)).toBeGreaterThan(10);
    expect(schema.timePerOutputToken.buckets.slice(0, semconvTpot.length)).toEqual(semconvTpot);
    // Every semconv bound is kept; 5 s is added for the default latency SLO (a vLLM bound too).
    expect(schema.e2eRequestLatency.buckets.filter((b) => b !== 5).slice(0, 14)).toEqual(
      semconvDuration,
    );
    expect(schema.e2eRequestLatency.buckets).toContain(5);
    expect(schema.requestPromptTokens.buckets[0]).toBe(1);
    expect(schema.requestPromptTokens.buckets.at(-1)).toBe(67108864);
  });

  it('uses the GenAI semconv names where they exist', () => {
    expect(schema.timeToFirstToken.otel).toBe('gen_ai.server.time_to_first_token');
    expect(schema.timePerOutputToken.otel).toBe('gen_ai.server.time_per_output_token');
    expect(schema.e2eRequestLatency.otel).toBe('gen_ai.server.request.duration');
    expect(schema.requestPromptTokens.otel).toBe('gen_ai.client.token.usage');
    expect(schema.requestPromptTokens.otelAttributes).toEqual({ 'gen_ai.token.type': 'input' });
    expect(schema.requestGenerationTokens.otelAttributes).toEqual({
      'gen_ai.token.type': 'output',
    });
    for (const [id, d] of rows)
      if (!d.semconv)
        expect(d.otel.startsWith('gen_ai.'), `${id} must not squat gen_ai.*`).toBe(false);
  });

  it('puts model_name and engine first on every LLM row', () => {
    for (const id of metricIds) {
      const d = schema[id] as MetricDefinition;
      if (d.scope === 'llm') expect(labelNamesOf(d).slice(0, 2)).toEqual([...LLM_LABELS]);
    }
  });
});

describe('core stays runtime-neutral', () => {
  it('imports no node:* module, so it runs on Node, Bun, Deno and Workers', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../src/', import.meta.url);
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) =>
      f.endsWith('.ts'),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      expect(text, f).not.toMatch(
        /from ['"]node:|require\(['"]node:|from ['"](fs|path|http|events|os)['"]/,
      );
    }
  });
});
