export { OPERATION_ATTRIBUTE, OVERFLOW_ATTRIBUTE } from './attributes.js';
export type { OtlpPipeline, OtlpReaderOptions } from './otlp.js';
export { createOtlpReader } from './otlp.js';
export type { Temporality } from './points.js';
export type { LensMetricProducer, MetricProducerOptions } from './producer.js';
export { createMetricProducer } from './producer.js';
export type { PrometheusExporterOptions, PrometheusPipeline } from './prometheus.js';
export { createPrometheusExporter } from './prometheus.js';
export { VERSION } from './version.js';
