export type { ClusterOptions } from './cluster.js';
export { aggregateInPrimary, clusterLens } from './cluster.js';
export { processLabels } from './labels.js';
export type { WorkerText } from './merge.js';
export { mergeExpositions } from './merge.js';
export { threadGroupLens } from './threads.js';
