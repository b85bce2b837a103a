/**
 * `@inferlens/http`: the options and answers every framework adapter shares. Applications use
 * `@inferlens/express`, `@inferlens/fastify` or `@inferlens/hono`, which re-export what they
 * need from here; this entry names the shared types for code that works with any of them.
 * Adapter authors use `@inferlens/http/internal`.
 *
 * @example
 * import type { AdapterOptions } from '@inferlens/http';
 * import { createLens } from '@inferlens/core';
 *
 * // One set of options for whichever framework the service runs on.
 * export const metricsOptions: AdapterOptions<unknown> = {
 *   lens: createLens({ engine: 'vllm' }),
 *   groupStatus: true,
 *   exclude: ['/ping'],
 *   auth: { bearer: process.env.METRICS_TOKEN ?? 'dev-token' },
 * };
 */
export type { AuthOptions, BasicCredentials, HeaderAuth } from './auth.js';
export type { Outcome } from './labels.js';
export { CLIENT_CLOSED_STATUS, OTHER_ROUTE, OTHER_VALUE, UNMATCHED_ROUTE } from './labels.js';
export type { BucketsOption, EndpointOptions, RecordOptions, ScrapeLike } from './options.js';
export type { ExcludeOption } from './paths.js';
export type { AdapterOptions } from './setup.js';
export type { GpuAvailability, Readiness, StatusSources, StatusSummary } from './status.js';
export { VERSION } from './version.js';
