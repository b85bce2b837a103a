import {
  SampleIndex,
  SnapshotBuilder,
  type TargetContext,
} from '@inferlens/engine-source/internal';
import { parse } from '@inferlens/prom-parse';
import { readFixture, startFakeTgi } from '@inferlens/testkit';
import { describe, expect, it } from 'vitest';
import {
  normalizeTgi,
  TGI_FAILURE,
  TGI_GAUGES,
  TGI_HISTOGRAMS,
  TGI_SUCCESS,
  TGI_TOKEN_SUMS,
} from '../src/internal.js';
import { renderSnapshot } from './helpers.js';

const capture = readFixture(import.meta.url, 'tgi-metrics-sample.txt');
const dashboard = readFixture(import.meta.url, 'tgi-grafana.json');

/** TGI families the official dashboard plots that the standard set has no row for, and why. */
const UNMAPPED: Record<string, string> = {
  tgi_request_count: 'double-counts OpenAI-route requests (#1901); tgi_request_success is used',
  tgi_batch_concat: 'batching internals',
  tgi_batch_concat_duration: 'batching internals',
  tgi_batch_forward_duration: 'shard-side forward time per batch',
  tgi_batch_decode_duration: 'shard-side detokenisation per batch',
  tgi_batch_filter_duration: 'router-side filtering per batch',
  tgi_request_skipped_tokens: 'a summary since v2.3.0: no buckets to mirror',
};

function mirror(text: string): string {
  const ctx: TargetContext = {
    name: 'dd',
    url: 'http://dd',
    model: 'teknium/OpenHermes-2.5-Mistral-7B',
    data: {},
    fetch: async () => ({ ok: false, reason: 'unreachable', message: '' }),
  };
  const parsed = parse(text);
  expect(parsed.errors).toEqual([]);
  const out = new SnapshotBuilder('tgi', 'dd', 10_000);
  normalizeTgi(new SampleIndex(parsed), ctx, out, Date.now());
  return renderSnapshot(out.build());
}

const les = (text: string, family: string) =>
  [
    ...text.matchAll(new RegExp(`^${family}_bucket\\{(?:method="prefill",)?le="([^"]+)"\\}`, 'gm')),
  ].map((m) => m[1]);

describe('the TGI adapter on real captured data (test/fixtures)', () => {
  it('maps the real TGI capture: success + failures, never tgi_request_count', () => {
    const text = mirror(capture);
    const m = 'model_name="teknium/OpenHermes-2.5-Mistral-7B",engine="tgi"';
    // tgi_request_count 111 = tgi_request_success 109 + tgi_request_failure{err="validation"} 2.
    expect(text).toContain(`llm_requests_total{${m},finish_reason="unknown",target="dd"} 109\n`);
    expect(text).toContain(`llm_requests_total{${m},finish_reason="error",target="dd"} 2\n`);
    expect(text).toContain(
      `llm_request_errors_total{${m},error_type="validation",target="dd"} 2\n`,
    );
    expect(text).toContain(`llm_prompt_tokens_total{${m},target="dd"} 662\n`);
    expect(text).toContain(`llm_requests_waiting{${m},target="dd"} 0\n`);
    expect(text).toContain(`llm_tgi_batch_max_tokens{${m},target="dd"} 0\n`);
    // Float noise in `le` is kept exactly as TGI wrote it.
    expect(text).toContain(
      `llm_request_prompt_tokens_bucket{${m},target="dd",le="15.330000000000002"} 109\n`,
    );
    expect(text).toContain(
      `llm_request_inference_time_seconds_sum{${m},target="dd"} 245.91743839099996\n`,
    );
    // No sample mirrors tgi_request_skipped_tokens (core's HELP lines may say "skipped").
    expect(text.split('\n').filter((l) => !l.startsWith('#') && l.includes('skipped'))).toEqual([]);
  });

  it('the fake TGI writes the same bucket bounds as the real one', async () => {
    const tgi = await startFakeTgi({ maxInputTokens: 511, maxTotalTokens: 512 });
    try {
      await fetch(`${tgi.url}/generate_stream`, {
        method: 'POST',
        body: JSON.stringify({ inputs: 'Hi', parameters: { max_new_tokens: 3 } }),
      }).then((r) => r.text());
      const fake = tgi.metricsText();
      for (const family of [
        'tgi_request_input_length',
        'tgi_request_max_new_tokens',
        'tgi_request_inference_duration',
        'tgi_batch_forward_duration',
      ]) {
        expect(les(fake, family), family).toEqual(les(capture, family));
        expect(les(fake, family).length, family).toBeGreaterThan(30);
      }
      // The same families lack HELP in both.
      for (const name of ['tgi_request_failure', 'tgi_batch_concat'])
        expect(fake.includes(`# HELP ${name} `)).toBe(capture.includes(`# HELP ${name} `));
    } finally {
      await tgi.close();
    }
  });

  it('knows every TGI metric the official dashboard queries', () => {
    const used = new Set([...dashboard.matchAll(/tgi_[a-z0-9_]+/g)].map((m) => m[0]));
    expect(used.size).toBeGreaterThan(10);
    const known = new Set([
      ...TGI_SUCCESS,
      ...TGI_FAILURE,
      ...[...TGI_GAUGES, ...TGI_HISTOGRAMS, ...TGI_TOKEN_SUMS].map(([, n]) =>
        n.replace(/_sum$/, ''),
      ),
      ...Object.keys(UNMAPPED),
    ]);
    const base = (n: string) => n.replace(/_(bucket|sum|count)$/, '');
    expect([...used].filter((n) => !known.has(n) && !known.has(base(n)))).toEqual([]);
  });
});
