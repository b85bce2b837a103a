// `@inferlens/otel`: the producer alone. Its peers are the OTel API, sdk-metrics and resources
// only; the ready pipelines live behind `@inferlens/otel/prometheus` and `@inferlens/otel/otlp`,
// whose exporters are optional peers an app installs only when it uses them.
export { OPERATION_ATTRIBUTE, OVERFLOW_ATTRIBUTE } from './attributes.js';
export type { Temporality } from './points.js';
export type { LensMetricProducer, MetricProducerOptions } from './producer.js';
export { createMetricProducer } from './producer.js';
export { traceIdFromActiveSpan } from './trace-id.js';
export { VERSION } from './version.js';
