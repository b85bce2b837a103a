import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Lens } from '@inferlens/core';
import type { ExporterConfig, PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { fail } from './errors.js';
import { loadPeer, usePeer } from './peer.js';
import {
  createMetricProducer,
  type LensMetricProducer,
  type MetricProducerOptions,
} from './producer.js';

// An optional peer: `@inferlens/otel` alone does not install it (see peer.ts).
const exporterPrometheus = await loadPeer(
  '@opentelemetry/exporter-prometheus',
  () => import('@opentelemetry/exporter-prometheus'),
);

/**
 * Options of {@link createPrometheusExporter}: the exporter's own, and the producer's.
 *
 * @example
 * const options: PrometheusExporterOptions = { port: 9464, withoutScopeInfo: true, urlScheme: 'https' };
 */
export interface PrometheusExporterOptions extends Omit<MetricProducerOptions, 'temporality'> {
  /** Port of the exporter's own server (default 9464 or `OTEL_EXPORTER_PROMETHEUS_PORT`). */
  port?: number;
  /** Interface to listen on (default all, or `OTEL_EXPORTER_PROMETHEUS_HOST`). */
  host?: string;
  /** Path the exporter's own server answers on (default `/metrics`). */
  endpoint?: string;
  /** Start no server; mount `handler` on yours instead. */
  preventServerStart?: boolean;
  /** Passed to the exporter: a prefix for every metric name. */
  prefix?: string;
  /** Passed to the exporter: drop `otel_scope_*` labels. */
  withoutScopeInfo?: boolean;
  /** Passed to the exporter: drop the `target_info` series. */
  withoutTargetInfo?: boolean;
  /** Passed to the exporter: copy matching resource attributes onto every series. */
  withResourceConstantLabels?: RegExp;
}

/**
 * What {@link createPrometheusExporter} resolves with: the exporter, already bound to its provider.
 *
 * @example
 * const prom: PrometheusPipeline = await createPrometheusExporter(lens, { port: 9464 });
 * await prom.shutdown();
 */
export interface PrometheusPipeline {
  /** The exporter-prometheus reader, which collects at each scrape. */
  readonly exporter: PrometheusExporter;
  /** The provider the exporter is bound to; a MetricReader never collects without one. */
  readonly meterProvider: MeterProvider;
  /** The producer the exporter reads the lens through. */
  readonly producer: LensMetricProducer;
  /** Serves the metrics text on any path; mount it on your own server. */
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  /** Stops the server and the provider. */
  shutdown(): Promise<void>;
}

/**
 * Serves a lens through `@opentelemetry/exporter-prometheus`, with OTel names
 * (`gen_ai_server_time_to_first_token_bucket{gen_ai_request_model="…"}`). Resolves once the
 * server listens, and rejects when it cannot (port in use); bad options throw at once. For
 * Prometheus-profile names
 * (`llm_time_to_first_token_seconds`) serve `lens.scrape()` instead; see the README.
 *
 * @example
 * const prom = await createPrometheusExporter(lens, { port: 9464 });
 * // curl http://localhost:9464/metrics
 * process.on('SIGTERM', () => prom.shutdown());
 */
export function createPrometheusExporter(
  lens: Lens,
  options: PrometheusExporterOptions = {},
): Promise<PrometheusPipeline> {
  const {
    port,
    host,
    endpoint,
    preventServerStart,
    resource,
    operationName,
    urlScheme,
    vantage,
    hookTimeoutMs,
    ...rest
  } = options;
  // The exporter reads `port || env || 9464`, so port 0 silently became 9464.
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    fail(
      `port: must be an integer from 1 to 65535 (exporter-prometheus treats 0 as "unset" and listens on 9464; to pick a free port, set preventServerStart and mount handler on your own server)`,
    );
  if (host !== undefined && (typeof host !== 'string' || host === ''))
    fail('host: must be a non-empty string');
  if (endpoint !== undefined && (typeof endpoint !== 'string' || endpoint === ''))
    fail('endpoint: must be a path such as "/metrics"');
  const { PrometheusExporter } = usePeer(exporterPrometheus, 'createPrometheusExporter');
  const producer = createMetricProducer(lens, {
    operationName,
    urlScheme,
    vantage,
    resource,
    hookTimeoutMs,
  });
  // The server is started below rather than by the constructor, whose listen error would only
  // reach the diag logger.
  const config: ExporterConfig = { ...rest, port, host, endpoint, preventServerStart: true };
  const exporter = new PrometheusExporter({ ...config, metricProducers: [producer] });
  const meterProvider = new MeterProvider({ resource, readers: [exporter] });
  const pipeline: PrometheusPipeline = {
    exporter,
    meterProvider,
    producer,
    handler: (request, response) => exporter.getMetricsRequestHandler(request, response),
    shutdown: () => meterProvider.shutdown(),
  };
  if (preventServerStart === true) return Promise.resolve(pipeline);
  return exporter.startServer().then(
    () => {
      // exporter-prometheus unrefs its server, so a script that only serves metrics (the README's
      // example) exited at once (#11). A server that was asked for keeps the process alive until
      // shutdown() closes it, as any listening server does.
      (exporter as unknown as { _server?: { ref?: () => void } })._server?.ref?.();
      return pipeline;
    },
    async (error: Error) => {
      await meterProvider.shutdown().catch(() => undefined);
      throw new Error(
        `[@inferlens/otel] exporter-prometheus could not listen on ${host ?? '*'}:${port ?? 'its default port'}: ${error.message}`,
        { cause: error },
      );
    },
  );
}
