import type { Lens } from '@inferlens/core';
import type { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { fail } from './errors.js';
import { loadPeer, usePeer } from './peer.js';
import {
  createMetricProducer,
  type LensMetricProducer,
  type MetricProducerOptions,
} from './producer.js';

// An optional peer: `@inferlens/otel` alone does not install it (see peer.ts).
const exporterOtlpHttp = await loadPeer(
  '@opentelemetry/exporter-metrics-otlp-http',
  () => import('@opentelemetry/exporter-metrics-otlp-http'),
);

/**
 * Options of {@link createOtlpReader}: where and how often to push, and the producer's options.
 *
 * @example
 * const options: OtlpReaderOptions = { url: 'http://collector:4318/v1/metrics', intervalMs: 15_000 };
 */
export interface OtlpReaderOptions extends MetricProducerOptions {
  /**
   * Full endpoint, e.g. `http://collector:4318/v1/metrics`. Default: `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`,
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`, or `http://localhost:4318/v1/metrics`.
   */
  url?: string;
  /** Extra HTTP headers, e.g. an API key. */
  headers?: Record<string, string>;
  /** How often to export (default 60 000 ms). */
  intervalMs?: number;
  /** How long one export may take (default 30 000 ms, at most `intervalMs`). */
  timeoutMs?: number;
}

/**
 * What {@link createOtlpReader} returns: a reader already bound to its provider, exporting on a timer.
 *
 * @example
 * const otlp: OtlpPipeline = createOtlpReader(lens);
 * await otlp.shutdown(); // on exit: exports one last time
 */
export interface OtlpPipeline {
  /** The periodic reader that collects the producer every `intervalMs`. */
  readonly reader: PeriodicExportingMetricReader;
  /** The OTLP/HTTP exporter the reader hands each collection to. */
  readonly exporter: OTLPMetricExporter;
  /** The provider the reader is bound to; a MetricReader never collects without one. */
  readonly meterProvider: MeterProvider;
  /** The producer the reader reads the lens through. */
  readonly producer: LensMetricProducer;
  /** Collects and exports now. */
  forceFlush(): Promise<void>;
  /** Exports one last time and stops the timer. Call it on shutdown so the last interval is not lost. */
  shutdown(): Promise<void>;
}

/**
 * Pushes a lens to an OTLP/HTTP endpoint (an OpenTelemetry Collector, Prometheus's OTLP receiver,
 * a vendor) every `intervalMs`, as JSON, through `@opentelemetry/exporter-metrics-otlp-http`. The
 * reader comes already bound to its own MeterProvider, so it exports from the first interval.
 * Its timer is unref'd: it never keeps the process alive.
 *
 * @example
 * const otlp = createOtlpReader(lens, { url: 'http://collector:4318/v1/metrics', intervalMs: 15_000 });
 * process.on('SIGTERM', () => otlp.shutdown());
 */
export function createOtlpReader(lens: Lens, options: OtlpReaderOptions = {}): OtlpPipeline {
  const {
    url,
    headers,
    resource,
    operationName,
    urlScheme,
    vantage,
    hookTimeoutMs,
    temporality = 'cumulative',
  } = options;
  const intervalMs = options.intervalMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? Math.min(30_000, intervalMs);
  if (url !== undefined && !isHttpUrl(url))
    fail(
      `url: must be an http(s) URL such as "http://localhost:4318/v1/metrics", not ${JSON.stringify(url)}`,
    );
  if (headers !== undefined && !isStringRecord(headers))
    fail('headers: must be an object of string values');
  if (!(Number.isFinite(intervalMs) && intervalMs > 0))
    fail('intervalMs: must be a positive number');
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs <= intervalMs))
    fail('timeoutMs: must be a positive number no larger than intervalMs');
  const { AggregationTemporalityPreference, OTLPMetricExporter } = usePeer(
    exporterOtlpHttp,
    'createOtlpReader',
  );
  const producer = createMetricProducer(lens, {
    operationName,
    urlScheme,
    vantage,
    resource,
    temporality,
    hookTimeoutMs,
  });
  const exporter = new OTLPMetricExporter({
    url,
    headers,
    // The exporter retries failed sends until its own timeout (10 s by default); holding it to the
    // reader's keeps forceFlush() and shutdown() bounded when the collector is down.
    timeoutMillis: timeoutMs,
    // Keeps the SDK's own instruments (if the user adds any) in step with the producer.
    temporalityPreference:
      temporality === 'delta'
        ? AggregationTemporalityPreference.DELTA
        : AggregationTemporalityPreference.CUMULATIVE,
  });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: intervalMs,
    exportTimeoutMillis: timeoutMs,
    metricProducers: [producer],
  });
  const meterProvider = new MeterProvider({ resource, readers: [reader] });
  return {
    reader,
    exporter,
    meterProvider,
    producer,
    forceFlush: () => meterProvider.forceFlush(),
    shutdown: () => meterProvider.shutdown(),
  };
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}
