// `@inferlens/otel/otlp`: the OTLP door, without exporter-prometheus (nor node:http), so a bundle
// for Workers or the browser stays small. Everything here is also exported from the main door.
export { OPERATION_ATTRIBUTE, OVERFLOW_ATTRIBUTE } from './attributes.js';
export type { OtlpPipeline, OtlpReaderOptions } from './otlp.js';
export { createOtlpReader } from './otlp.js';
export type { Temporality } from './points.js';
export type { LensMetricProducer, MetricProducerOptions } from './producer.js';
export { createMetricProducer } from './producer.js';
export { traceIdFromActiveSpan } from './trace-id.js';
export { VERSION } from './version.js';
