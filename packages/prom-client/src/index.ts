export type { MetricSnapshot, SampleValue } from './family-metric.js';
export { FamilyMetric } from './family-metric.js';
export { registerLens } from './register.js';
export type { RegistryLike } from './registry.js';
export { scrapeWith } from './scrape.js';
