/**
 * `@inferlens/http/internal`: the API between `@inferlens/http` and the framework adapters
 * (`@inferlens/express`, `@inferlens/fastify`, `@inferlens/hono`) and anyone writing another:
 * the recorder, the exchange, the Node and Web Streams followers, the endpoints. Not for
 * applications, which use their framework's package; no semver promise: any of it may change in
 * a minor or patch release.
 *
 * It holds every name of the public entry too, so an adapter needs one import line.
 */

export { setupError } from '@inferlens/core/internal';
export type { AuthOptions, Authorizer, BasicCredentials, HeaderAuth } from './auth.js';
export { authHeaderOf, compileAuth, constantTimeEqual } from './auth.js';
export { byteLength } from './bytes.js';
export type { EndpointKind, EndpointResponse, HandleOptions } from './endpoints.js';
export { Endpoints, endpointPaths } from './endpoints.js';
export { Exchange } from './exchange.js';
export type { Outcome } from './labels.js';
export {
  CLIENT_CLOSED_STATUS,
  methodLabel,
  OTHER_ROUTE,
  OTHER_VALUE,
  statusLabel,
  UNMATCHED_ROUTE,
} from './labels.js';
export type { NodeRequestLike, NodeResponseLike, RequestStorage } from './node.js';
export { followNodeResponse, trackNodeRequest } from './node.js';
export type { BucketsOption, EndpointOptions, RecordOptions, ScrapeLike } from './options.js';
export { resolveLens } from './options.js';
export type { ExcludeOption } from './paths.js';
export { compileExclude, pathOf } from './paths.js';
export { prefixHttpNames } from './prefix.js';
export { HttpRecorder } from './recorder.js';
export type { ChunkSink } from './send.js';
export { chunkStream, writeChunks } from './send.js';
export type { Adapter, AdapterOptions } from './setup.js';
export { createAdapter } from './setup.js';
export type {
  AppFields,
  GpuAvailability,
  Readiness,
  StatusSources,
  StatusSummary,
} from './status.js';
export { statusSummary } from './status.js';
export { VERSION } from './version.js';
export type { ByteStream } from './web.js';
export { wrapRequestBody, wrapResponseBody } from './web.js';
