/**
 * Rendering 1,000 series: 500 histograms with 16 bounds and 500 counters, labelled with realistic
 * model_name, engine and finish_reason values, holding the same recorded values in all three
 * contenders. Every row stops the clock at the bytes a server writes, not at a string (a string
 * built by concatenation is a rope that costs more to turn into bytes than to build): inferlens is
 * `renderBytes(store)` (and `render(store)` then `Buffer.from`); prom-client is
 * `await registry.metrics()` then `Buffer.from`; the OTel exporter row is what its `/metrics`
 * handler does, `await exporter.collect()` then `PrometheusSerializer.serialize()`, then
 * `Buffer.from`, without the HTTP server.
 */
import { type MetricId, render, renderBytes, Store, schema } from '@inferlens/core/internal';
import type { Counter as OtelCounter, Histogram as OtelHistogram } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { type Counter, type Histogram, Registry } from 'prom-client';
import { measure } from '../harness.js';
import { LATENCY_HISTOGRAMS, otelAttributes, otelSetup, promMetrics } from '../peers.js';
import { resultTable, verdict } from '../table.js';

const HISTOGRAMS = LATENCY_HISTOGRAMS;
const FAMILIES = ['requests', 'eventsDropped', ...HISTOGRAMS] as const;
const FINISH_REASONS = ['stop', 'length', 'abort', 'error', 'repetition'];
const ENGINES = ['vllm', 'tgi'];
const MODELS = Array.from({ length: 50 }, (_, i) => {
  const family = [
    'meta-llama/Llama-3.1-8B-Instruct',
    'mistralai/Mistral-7B-Instruct-v0.3',
    'Qwen/Qwen2.5-14B-Instruct',
    'google/gemma-2-9b-it',
    'microsoft/Phi-3.5-mini-instruct',
  ];
  return `${family[i % family.length]}-ft${Math.floor(i / family.length)}`;
});
/** Values recorded into every histogram series: spread across the bounds, with a tail. */
const VALUES = [0.004, 0.009, 0.018, 0.03, 0.055, 0.09, 0.2, 0.45, 0.8, 1.7, 4.2, 12];

/** 16 bounds per histogram: the schema's first 16 (for TTFT, exactly the semconv list). */
const BUCKETS: Partial<Record<MetricId, readonly number[]>> = {};
for (const id of HISTOGRAMS) BUCKETS[id] = schema[id].buckets.slice(0, 16);

function* labelSets(): Generator<{ model_name: string; engine: string }> {
  for (const model_name of MODELS) for (const engine of ENGINES) yield { model_name, engine };
}

export async function run(): Promise<{ title: string; table: string; notes: string[] }> {
  const store = new Store({ buckets: BUCKETS });
  const registry = new Registry();
  const p = promMetrics(FAMILIES, registry, BUCKETS);
  const o = otelSetup(FAMILIES, BUCKETS);
  const serializer = new PrometheusSerializer();
  // The store always holds inferlens_events_dropped_total for these reasons; the others get them too.
  for (const reason of ['invalid_value', 'label_too_long']) {
    (p.eventsDropped as Counter).inc({ reason }, 0);
    (o.instruments.eventsDropped as OtelCounter).add(
      0,
      otelAttributes('eventsDropped', { reason }),
    );
  }
  for (const labels of labelSets()) {
    const values = [labels.model_name, labels.engine];
    for (const id of HISTOGRAMS) {
      const ours = store.family(id).series(values);
      const attrs = otelAttributes(id, labels);
      for (const v of VALUES) {
        ours.observe(v);
        (p[id] as Histogram).observe(labels, v);
        (o.instruments[id] as OtelHistogram).record(v, attrs);
      }
    }
    FINISH_REASONS.forEach((finish_reason, i) => {
      const n = 3 + i * 7;
      store
        .family('requests')
        .series([...values, finish_reason])
        .inc(n);
      (p.requests as Counter).inc({ ...labels, finish_reason }, n);
      (o.instruments.requests as OtelCounter).add(
        n,
        otelAttributes('requests', { ...labels, finish_reason }),
      );
    });
  }

  const renderOtel = async (): Promise<string> =>
    serializer.serialize((await o.exporter.collect()).resourceMetrics);
  const outputs = {
    inferlens: render(store),
    promClient: await registry.metrics(),
    otel: await renderOtel(),
  };
  const counts = Object.fromEntries(
    Object.entries(outputs).map(([k, text]) => [k, countSamples(text)]),
  );
  if (new Set(Object.values(counts)).size !== 1)
    throw new Error(`render suite: outputs differ in samples: ${JSON.stringify(counts)}`);

  const OURS = 'inferlens renderBytes(store)';
  const results = await measure(
    [
      {
        name: OURS,
        fn: () => {
          let n = 0;
          for (const c of renderBytes(store)) n += c.byteLength;
          return n;
        },
      },
      {
        name: 'inferlens render(store), then Buffer.from',
        fn: () => Buffer.from(render(store)).byteLength,
      },
      {
        name: 'prom-client await registry.metrics(), then Buffer.from',
        fn: async () => Buffer.from(await registry.metrics()).byteLength,
        async: true,
      },
      {
        name: 'exporter-prometheus collect() + serialize(), then Buffer.from',
        fn: async () => Buffer.from(await renderOtel()).byteLength,
        async: true,
      },
    ],
    { roundMs: 60, rounds: 21, warmupMs: 600 },
  );
  const [ours, , prom, otel] = results as [
    (typeof results)[0],
    (typeof results)[0],
    (typeof results)[0],
    (typeof results)[0],
  ];
  await o.provider.shutdown();
  const kib = (s: string) => `${(s.length / 1024).toFixed(0)} KiB`;
  return {
    title: 'Rendering 1,000 series to bytes (500 histograms with 16 bounds, 500 counters)',
    table: resultTable(results, OURS),
    notes: [
      verdict('render to bytes, prom-client ÷ inferlens', prom.median / ours.median, 5, '≥'),
      verdict(
        'render to bytes, exporter-prometheus ÷ inferlens',
        otel.median / ours.median,
        15,
        '≥',
      ),
      `every output has ${counts.inferlens} samples (checked before timing); sizes: inferlens ${kib(outputs.inferlens)}, prom-client ${kib(outputs.promClient)}, exporter-prometheus ${kib(outputs.otel)} (it adds otel_scope_* labels to every sample and a target_info family)`,
    ],
  };
}

/** Sample lines, leaving out comments and the exporter's target_info. */
function countSamples(text: string): number {
  let n = 0;
  for (const line of text.split('\n'))
    if (line && !line.startsWith('#') && !line.startsWith('target_info')) n++;
  return n;
}
