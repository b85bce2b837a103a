// `@inferlens/otel/prometheus`: a pull endpoint through `@opentelemetry/exporter-prometheus`, an
// optional peer that the app installs (`npm install @opentelemetry/exporter-prometheus`).
export type { PrometheusExporterOptions, PrometheusPipeline } from './prometheus.js';
export { createPrometheusExporter } from './prometheus.js';
