// `@inferlens/otel/otlp`: push over OTLP/HTTP through `@opentelemetry/exporter-metrics-otlp-http`,
// an optional peer that the app installs. No exporter-prometheus and no node:http on this path, so
// a bundle for Workers or the browser stays small. The producer's names are here too, so an
// OTLP-only app needs one import line.
export { OPERATION_ATTRIBUTE, OVERFLOW_ATTRIBUTE } from './attributes.js';
export type { OtlpPipeline, OtlpReaderOptions } from './otlp.js';
export { createOtlpReader } from './otlp.js';
export type { Temporality } from './points.js';
export type { LensMetricProducer, MetricProducerOptions } from './producer.js';
export { createMetricProducer } from './producer.js';
export { traceIdFromActiveSpan } from './trace-id.js';
export { VERSION } from './version.js';
