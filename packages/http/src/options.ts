import {
  createLens,
  type Lens,
  type MetricId,
  type SummaryOptions,
  setupError,
} from '@inferlens/core/internal';
import type { AuthOptions } from './auth.js';
import type { ExcludeOption } from './paths.js';
import type { StatusSources } from './status.js';

/**
 * Histogram bounds: one list for duration and time to first byte, or one per histogram.
 *
 * @example
 * inferlens({ buckets: { duration: [0.05, 0.25, 1, 5, 30, 120], responseSize: [1e3, 1e5, 1e7] } });
 */
export type BucketsOption =
  | readonly number[]
  | {
      duration?: readonly number[];
      timeToFirstByte?: readonly number[];
      requestSize?: readonly number[];
      responseSize?: readonly number[];
    };

/**
 * What the request-recording middleware of every framework accepts. `Req` is its request type.
 *
 * @example
 * const recording: RecordOptions<Request> = { groupStatus: true, exclude: ['/ping', '/static/*'] };
 */
export interface RecordOptions<Req> {
  /** The lens to record into; one is created for you when omitted (see `.lens` on the result). */
  lens?: Lens;
  /** Bucket bounds, applied when the middleware creates the lens (set them on your own lens). */
  buckets?: BucketsOption;
  /**
   * Also record `http_request_duration_quantiles_seconds`, a summary with quantiles over a sliding
   * window (default false). `true` takes the defaults (p50, p90, p95, p99 over 10 minutes); an
   * object sets `quantiles`, `maxAgeSeconds`, `ageBuckets` for a lens the middleware creates (on
   * your own lens, pass them to `createLens({ summaries })`). Quantiles are per process and cannot
   * be added up across instances; the duration histogram can, so dashboards should prefer it.
   */
  summary?: boolean | SummaryOptions;
  /** Report `2xx`, `4xx`, … instead of `200`, `404`, … (default false). */
  groupStatus?: boolean;
  /** Keep the `method` label (default true). */
  method?: boolean;
  /** Paths never recorded, besides the endpoint paths: `'/ping'`, `'/static/*'`, `/^\/internal/`. */
  exclude?: ExcludeOption;
  /** Your own route template for a request; `undefined` falls back to the framework's. */
  route?: (req: Req) => string | undefined;
  /**
   * Extra labels and how to read their values from the request, read once when it ends:
   * `{ tenant: (req) => req.headers['x-tenant'] }`. They are added to the HTTP metrics of the lens
   * (not to the in-flight gauge), each bounded by `maxLabelValues`.
   */
  labels?: Readonly<Record<string, (req: Req) => string | number | undefined>>;
  /** Distinct values each custom label keeps before new ones read `#other` (default 100). */
  maxLabelValues?: number;
  /** Distinct route templates kept before new ones read `#other` (default 1000). */
  maxRoutes?: number;
}

/**
 * What the `/metrics`, `/health`, `/status` and `/dashboard` endpoints accept.
 *
 * @example
 * const admin: EndpointOptions = { lens, auth: { bearer: process.env.METRICS_TOKEN! }, dashboardPath: false };
 */
export interface EndpointOptions extends StatusSources {
  lens?: Lens;
  /** Path of the Prometheus endpoint, or false for none (default `/metrics`). */
  metricsPath?: string | false;
  /** Path of the liveness endpoint, or false for none (default `/health`). */
  healthPath?: string | false;
  /** Path of the readiness and summary endpoint, or false for none (default `/status`). */
  statusPath?: string | false;
  /**
   * Path of the live dashboard page, or false for none (default `/dashboard`; none when
   * `metricsPath` is false, since the page reads `/metrics`). The page holds no data; with
   * bearer-token `auth` it is served to anyone and asks for the token, with basic `auth` it is
   * protected like `/metrics`.
   */
  dashboardPath?: string | false;
  /**
   * Protects `/metrics` and `/status` (never `/health`) with a bearer token or basic auth; the
   * dashboard page too when basic credentials are accepted.
   */
  auth?: AuthOptions;
  /**
   * Put before the HTTP metric names in `/metrics` (`myapp_` gives `myapp_http_requests_total`).
   *
   * @example
   * inferlens({ lens, metricPrefix: 'gateway_' });
   */
  metricPrefix?: string;
  /**
   * The same as `metricPrefix` on Express and Hono, kept for existing setups. On Fastify,
   * `prefix` is Fastify's own `register` option, the path the endpoints are mounted under.
   */
  prefix?: string;
  /** Produces the exposition instead of `lens.scrape`, e.g. `scrapeWith(lens, [register]).scrape`. */
  scrape?: (accept: string | undefined) => Promise<ScrapeLike> | ScrapeLike;
}

/**
 * What a `scrape` function gives `/metrics`: the body and its content type.
 *
 * @example
 * inferlens({ scrape: async () => ({ contentType: register.contentType, body: await register.metrics() }) });
 */
export interface ScrapeLike {
  contentType: string;
  body: string;
}

/** Summary series a lens the middleware creates keeps (about 7 MiB at the default window). */
export const SUMMARY_SERIES_LIMIT = 250;

const BUCKET_IDS = {
  duration: 'httpRequestDuration',
  timeToFirstByte: 'httpTimeToFirstByte',
  requestSize: 'httpRequestSize',
  responseSize: 'httpResponseSize',
} as const satisfies Record<string, MetricId>;

/** The lens to use: the given one (whose buckets and summary window must agree) or a new one. */
export function resolveLens(
  pkg: string,
  lens: Lens | undefined,
  buckets?: BucketsOption,
  summary?: boolean | SummaryOptions,
): Lens {
  if (lens !== undefined && (typeof lens !== 'object' || typeof lens.scrape !== 'function'))
    setupError(pkg, '`lens` must be a lens from createLens() in @inferlens/core');
  const wanted = wantedBuckets(pkg, buckets);
  if (summary !== undefined && typeof summary !== 'boolean' && typeof summary !== 'object')
    setupError(pkg, '`summary` must be true, false or { quantiles, maxAgeSeconds, ageBuckets }');
  const window = typeof summary === 'object' && summary !== null ? summary : undefined;
  if (lens === undefined) {
    try {
      return createLens({
        engine: 'http',
        buckets: wanted,
        // A summary series holds a fixed sketch per age bucket (27 KiB at the defaults), so the
        // lens made here keeps fewer of them than of other series; later ones fold into overflow.
        seriesLimit: { httpRequestDurationSummary: SUMMARY_SERIES_LIMIT },
        ...(window ? { summaries: { httpRequestDurationSummary: window } } : {}),
      });
    } catch (error) {
      setupError(pkg, (error as Error).message.replace(/^\[@inferlens\/core\] /, ''));
    }
  }
  // Bounds belong to the lens's families; silently ignoring different ones would mislead.
  for (const [id, bounds] of Object.entries(wanted)) {
    const have = lens.store.family(id as MetricId).bounds;
    if (have.length !== bounds.length || bounds.some((b, i) => b !== have[i]))
      setupError(
        pkg,
        `buckets: this lens has other bounds for ${id}; pass them to createLens({ buckets })`,
      );
  }
  if (window !== undefined) {
    const have = lens.store.family('httpRequestDurationSummary').summary!;
    const same = (a: readonly number[], b: readonly number[]) =>
      a.length === b.length && a.every((x, i) => x === b[i]);
    if (
      (window.quantiles !== undefined && !same(window.quantiles, have.quantiles)) ||
      (window.maxAgeSeconds !== undefined && window.maxAgeSeconds !== have.maxAgeSeconds) ||
      (window.ageBuckets !== undefined && window.ageBuckets !== have.ageBuckets)
    )
      setupError(
        pkg,
        'summary: this lens has another window for httpRequestDurationSummary; pass it to createLens({ summaries })',
      );
  }
  return lens;
}

/** The bucket option as bounds per metric id. */
function wantedBuckets(
  pkg: string,
  buckets: BucketsOption | undefined,
): Partial<Record<MetricId, readonly number[]>> {
  const wanted: Partial<Record<MetricId, readonly number[]>> = {};
  if (Array.isArray(buckets)) {
    wanted.httpRequestDuration = buckets;
    wanted.httpTimeToFirstByte = buckets;
  } else if (buckets !== undefined) {
    if (typeof buckets !== 'object') setupError(pkg, '`buckets` must be an array or an object');
    for (const [key, value] of Object.entries(buckets)) {
      const id = BUCKET_IDS[key as keyof typeof BUCKET_IDS];
      if (id === undefined)
        setupError(pkg, `buckets.${key}: unknown; use ${Object.keys(BUCKET_IDS).join(', ')}`);
      if (value !== undefined) wanted[id] = value as readonly number[];
    }
  }
  return wanted;
}

/** A positive integer option, or its default. */
export function positiveInt(pkg: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1)
    setupError(pkg, `${name}: must be a positive integer`);
  return value as number;
}

/** An endpoint path option: a string starting with `/`, false, or the default. */
export function endpointPath(
  pkg: string,
  name: string,
  value: unknown,
  fallback: string,
): string | false {
  if (value === undefined) return fallback;
  if (value === false) return false;
  if (typeof value !== 'string' || !value.startsWith('/'))
    setupError(pkg, `${name}: must be a path starting with "/" or false`);
  return value;
}
