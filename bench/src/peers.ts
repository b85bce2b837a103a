/**
 * The same metrics as inferlens, built the idiomatic way in prom-client and in the OTel API, from
 * the schema (names, help, label names and buckets), so every contender records and renders the
 * same thing.
 */
import { labelNamesOf, type MetricId, OTEL_LABELS, schema } from '@inferlens/core/internal';
import type {
  Attributes,
  Counter as OtelCounter,
  Histogram as OtelHistogram,
  UpDownCounter,
} from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type PromMetric = Counter | Gauge | Histogram;

/** The request-latency histograms, used by both suites. */
export const LATENCY_HISTOGRAMS = [
  'timeToFirstToken',
  'interTokenLatency',
  'timePerOutputToken',
  'e2eRequestLatency',
  'requestQueueTime',
] as const satisfies readonly MetricId[];
type Buckets = Partial<Record<MetricId, readonly number[]>>;

/** One prom-client metric per id, registered in `registry`, with the schema's buckets. */
export function promMetrics<Id extends MetricId>(
  ids: readonly Id[],
  registry: Registry,
  buckets: Buckets = {},
): Record<Id, PromMetric> {
  const out = {} as Record<Id, PromMetric>;
  for (const id of ids) {
    const def = schema[id];
    const common = {
      name: def.prometheus,
      help: def.help,
      labelNames: [...labelNamesOf(def)],
      registers: [registry],
    };
    out[id] =
      def.kind === 'counter'
        ? new Counter(common)
        : def.kind === 'gauge'
          ? new Gauge(common)
          : new Histogram({
              ...common,
              buckets: [...(buckets[id] ?? ('buckets' in def ? def.buckets : []))],
            });
  }
  return out;
}

export type OtelInstrument = OtelCounter | OtelHistogram | UpDownCounter;

export interface OtelSetup {
  exporter: PrometheusExporter;
  provider: MeterProvider;
  instruments: Record<MetricId, OtelInstrument>;
}

/**
 * A MeterProvider with the Prometheus exporter as its reader (without its HTTP server), and one
 * instrument per id: histograms with the schema's buckets as advice, counters, and gauges of
 * things in flight as UpDownCounters. Rows that share an OTel name share the instrument.
 */
export function otelSetup<Id extends MetricId>(
  ids: readonly Id[],
  buckets: Buckets = {},
): OtelSetup {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const meter = provider.getMeter('inferlens-bench', '0.1.0');
  const byName = new Map<string, OtelInstrument>();
  const instruments = {} as Record<MetricId, OtelInstrument>;
  for (const id of ids) {
    const def = schema[id];
    let inst = byName.get(def.otel);
    if (!inst) {
      const opts = { unit: def.unit, description: def.help };
      inst =
        def.kind === 'counter'
          ? meter.createCounter(def.otel, opts)
          : def.kind === 'gauge'
            ? meter.createUpDownCounter(def.otel, opts)
            : meter.createHistogram(def.otel, {
                ...opts,
                advice: {
                  explicitBucketBoundaries: [
                    ...(buckets[id] ?? ('buckets' in def ? def.buckets : [])),
                  ],
                },
              });
      byName.set(def.otel, inst);
    }
    instruments[id] = inst;
  }
  return { exporter, provider, instruments };
}

/** OTel attributes for a row and Prometheus-style labels: semconv keys plus the row's constants. */
export function otelAttributes(id: MetricId, labels: Record<string, string>): Attributes {
  const attrs: Attributes = {};
  for (const [k, v] of Object.entries(labels)) attrs[OTEL_LABELS[k] ?? k] = v;
  const extra = (schema[id] as { otelAttributes?: Record<string, string> }).otelAttributes;
  return Object.freeze({ ...attrs, ...extra });
}
