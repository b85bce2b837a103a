import { HTTP_BYTES, HTTP_SECONDS } from './buckets.js';
import { type MetricDefinition, SUMMARY_DEFAULTS } from './types.js';

/** The duration histogram's name, which the summary row's help points to. */
const DURATION = 'http_request_duration_seconds';

/** HTTP metrics of the middleware packages, streaming-aware. */
export const httpMetrics = {
  // HTTP (middleware) — @inferlens/express, @inferlens/fastify, @inferlens/hono
  // Custom labels (a tenant, a plan) are not rows' labels: the app declares them per metric with
  // `extraLabels` (or the middleware with `Family.addLabels`), so each app pays only for its own.
  httpRequests: {
    kind: 'counter',
    unit: '{request}',
    promUnit: '',
    help: 'Number of HTTP requests that ended, by route, status and outcome.',
    definition:
      'Counts each request once when it ends: outcome="completed" when the app ended the response, "aborted" when the client went away first (status 499 if no header was sent), "error" for a 5xx response or a body stream that failed; unmatched routes read route="#unmatched".',
    scope: 'none',
    labels: ['method', 'route', 'status', 'outcome'],
    prometheus: 'http_requests_total',
    otel: 'inferlens.http.server.requests',
    semconv: false,
  },
  httpRequestDuration: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time from request start to the end of the response body.',
    definition:
      'From the request reaching the middleware to the last byte of the response body (the end of a stream), or to the abort.',
    scope: 'none',
    labels: ['method', 'route', 'status', 'outcome'],
    buckets: HTTP_SECONDS,
    prometheus: DURATION,
    otel: 'http.server.request.duration',
    semconv: true,
  },
  // Not `…_summary_seconds`: promtool's lint rejects a metric name that contains its own type.
  httpRequestDurationSummary: {
    kind: 'summary',
    unit: 's',
    promUnit: 'seconds',
    help: `Opt-in, per-process quantiles of the request duration over a sliding window; quantiles cannot be aggregated across instances (use the histogram ${DURATION} for that).`,
    definition: `Opt-in: the durations of ${DURATION} as quantiles (0.5, 0.9, 0.95, 0.99 by default, within 1 %) over the last 10 minutes of this process, with _sum and _count over its life. Quantiles of separate processes cannot be averaged or summed: aggregate the histogram with histogram_quantile() instead.`,
    scope: 'none',
    labels: ['method', 'route', 'status', 'outcome'],
    ...SUMMARY_DEFAULTS,
    prometheus: 'http_request_duration_quantiles_seconds',
    otel: 'inferlens.http.server.request.duration.summary',
    semconv: false,
  },
  httpTimeToFirstByte: {
    kind: 'histogram',
    unit: 's',
    promUnit: 'seconds',
    help: 'Time from request start to the first byte of the response body.',
    definition:
      'From the request reaching the middleware to the first body byte written (for SSE, the first event); the streaming analogue of TTFT at the HTTP layer.',
    scope: 'none',
    labels: ['method', 'route'],
    buckets: HTTP_SECONDS,
    prometheus: 'http_time_to_first_byte_seconds',
    otel: 'inferlens.http.server.time_to_first_byte',
    semconv: false,
  },
  httpRequestSize: {
    kind: 'histogram',
    unit: 'By',
    promUnit: 'bytes',
    help: 'Request body bytes actually read.',
    definition: 'Bytes of request body read from the socket (not the Content-Length header).',
    scope: 'none',
    labels: ['method', 'route'],
    buckets: HTTP_BYTES,
    prometheus: 'http_request_size_bytes',
    otel: 'http.server.request.body.size',
    semconv: true,
  },
  httpResponseSize: {
    kind: 'histogram',
    unit: 'By',
    promUnit: 'bytes',
    help: 'Response body bytes actually written.',
    definition:
      'Bytes of response body written, counted as they are written, so streams and aborted streams count what was sent.',
    scope: 'none',
    labels: ['method', 'route', 'status'],
    buckets: HTTP_BYTES,
    prometheus: 'http_response_size_bytes',
    otel: 'http.server.response.body.size',
    semconv: true,
  },
  httpRequestsInFlight: {
    kind: 'gauge',
    unit: '{request}',
    promUnit: '',
    help: 'Number of HTTP requests being served.',
    definition:
      'Requests that reached the middleware and have not ended (completed, aborted or failed).',
    scope: 'none',
    labels: ['method'],
    prometheus: 'http_requests_in_flight',
    otel: 'http.server.active_requests',
    semconv: true,
    otelUpDown: true,
  },
} as const satisfies Record<string, MetricDefinition>;
