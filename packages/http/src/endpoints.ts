import {
  type ChunkPool,
  CONTENT_TYPES,
  type Lens,
  negotiate,
  renderStream,
  renderTextStream,
  setupError,
} from '@inferlens/core/internal';
import { type DashboardPage, dashboardHeaders, dashboardPage } from '@inferlens/dashboard';
import { type AuthOptions, type Authorizer, authHeaderOf, compileAuth } from './auth.js';
import { type EndpointOptions, endpointPath, resolveLens, type ScrapeLike } from './options.js';
import { isValidPrefix, prefixHttpNames } from './prefix.js';
import { type StatusSources, statusSummary } from './status.js';

export type EndpointKind = 'metrics' | 'health' | 'status' | 'dashboard';

/** A framework-neutral answer; each adapter copies it onto its own response. */
export interface EndpointResponse {
  status: number;
  headers: Record<string, string>;
  /** The body; empty when `stream` carries it. */
  body: string;
  /**
   * `/metrics` as UTF-8 chunks rendered in slices as they are read (issue 17), when the adapter
   * asked for it with `{ stream: true }`. Stop reading (`return()` on its iterator) when the
   * client goes away, and rendering stops.
   */
  stream?: AsyncIterable<Uint8Array | string>;
}

/** What an adapter can send; see {@link Endpoints.handle}. */
export interface HandleOptions {
  /** The adapter sends `stream` bodies: `/metrics` comes as chunks rendered in slices. */
  stream?: boolean;
  /**
   * Chunks as strings (a Node socket encodes them into memory of its own: no buffers that push
   * V8 into full collections); otherwise UTF-8 bytes.
   */
  text?: boolean;
  /**
   * Byte chunks written into this pool's buffers, each given back once the socket has written
   * it (`writeChunks` with the same pool): a scrape then allocates next to nothing (#17).
   */
  pool?: ChunkPool;
}

/**
 * The enabled endpoint paths and what each serves. The recording middleware leaves these paths
 * out even when the endpoints are served elsewhere, so a scrape never shows up as traffic.
 */
export function endpointPaths(pkg: string, options: EndpointOptions): Map<string, EndpointKind> {
  const o = options ?? {};
  const byPath = new Map<string, EndpointKind>();
  const metrics = endpointPath(pkg, 'metricsPath', o.metricsPath, '/metrics');
  // The page reads /metrics: without it there is no page, and asking for one is a mistake.
  if (metrics === false && typeof o.dashboardPath === 'string')
    setupError(pkg, 'dashboardPath: the dashboard reads /metrics; set metricsPath too');
  const paths: [EndpointKind, string | false][] = [
    ['metrics', metrics],
    ['health', endpointPath(pkg, 'healthPath', o.healthPath, '/health')],
    ['status', endpointPath(pkg, 'statusPath', o.statusPath, '/status')],
    ['dashboard', metrics && endpointPath(pkg, 'dashboardPath', o.dashboardPath, '/dashboard')],
  ];
  for (const [kind, path] of paths) {
    if (path === false) continue;
    if (byPath.has(path)) setupError(pkg, `${kind}Path: "${path}" is used twice`);
    byPath.set(path, kind);
  }
  return byPath;
}

/** One name with the HTTP prefix put on as `/metrics` puts it (the dashboard reads it so). */
function prefixer(prefix: string): ((name: string) => string) | undefined {
  if (prefix === '') return undefined;
  return (name) => prefixHttpNames(`${name}\n`, prefix).slice(0, -1);
}

/** The metric name prefix of `metricPrefix`, or of `prefix`, its older name; checked. */
function metricPrefixOf(pkg: string, o: EndpointOptions): string {
  const field = o.metricPrefix !== undefined ? 'metricPrefix' : 'prefix';
  const value = o.metricPrefix ?? o.prefix;
  if (o.metricPrefix !== undefined && o.prefix !== undefined && o.prefix !== o.metricPrefix)
    setupError(pkg, 'prefix: an older name of metricPrefix; give one of them');
  if (value !== undefined && (typeof value !== 'string' || !isValidPrefix(value)))
    setupError(pkg, `${field}: must be a valid metric name start, like "myapp_"`);
  return value ?? '';
}

const JSON_TYPE = 'application/json; charset=utf-8';
const NO_STORE = 'no-store';

/**
 * `/metrics`, `/health`, `/status` and `/dashboard` for any framework: adapters ask {@link Endpoints.match}
 * whether a GET/HEAD path is one of them and send what {@link Endpoints.handle} returns.
 *
 * @example
 * const endpoints = new Endpoints('@inferlens/my-adapter', { lens, auth: { bearer: token } });
 * const kind = endpoints.match(req.method, path);
 * if (kind) send(await endpoints.handle(kind, req.headers.accept, req.headers[endpoints.authHeader]));
 */
export class Endpoints {
  readonly lens: Lens;
  /** Enabled paths, which the request recording leaves out. */
  readonly paths: readonly string[];
  /**
   * The request header (lower-case) whose value adapters pass to {@link handle} as the
   * credentials: `authorization`, or the header an `auth: { header }` option names.
   */
  readonly authHeader: string;
  readonly #byPath: ReadonlyMap<string, EndpointKind>;
  readonly #auth: Authorizer | undefined;
  readonly #challenge: string;
  readonly #prefix: string;
  readonly #scrape: (accept: string | undefined) => Promise<ScrapeLike> | ScrapeLike;
  /** No `scrape` option: `/metrics` is the lens's own, which can be streamed. */
  readonly #ownScrape: boolean;
  readonly #sources: StatusSources;
  readonly #dashboard: DashboardPage | undefined;
  /** Whether the page itself needs credentials: only with basic auth, which browsers resend. */
  readonly #dashboardAuth: boolean;
  #dashboardHeaders: Promise<Record<string, string>> | undefined;

  constructor(pkg: string, options: EndpointOptions, lens?: Lens) {
    const o = options ?? {};
    this.lens = lens ?? resolveLens(pkg, o.lens);
    this.#byPath = endpointPaths(pkg, o);
    this.paths = [...this.#byPath.keys()];
    this.#auth = compileAuth(pkg, o.auth);
    const basic = isBasic(o.auth);
    this.authHeader = authHeaderOf(o.auth);
    this.#challenge = basic ? 'Basic realm="metrics", charset="UTF-8"' : 'Bearer realm="metrics"';
    this.#prefix = metricPrefixOf(pkg, o);
    if (o.scrape !== undefined && typeof o.scrape !== 'function')
      setupError(pkg, 'scrape: must be a function (accept) => { contentType, body }');
    const ownLens = this.lens;
    this.#scrape = o.scrape ?? ((accept) => ownLens.scrape(accept));
    this.#ownScrape = o.scrape === undefined;
    if (o.ready !== undefined && typeof o.ready !== 'function')
      setupError(pkg, 'ready: must be a function');
    if (o.app !== undefined && typeof o.app !== 'function')
      setupError(pkg, 'app: must be a function returning an object of fields');
    this.#sources = { version: o.version, ready: o.ready, gpu: o.gpu, app: o.app };
    const mode = dashboardAuth(o.auth);
    this.#dashboardAuth = mode === 'basic';
    const page = [...this.#byPath].find(([, kind]) => kind === 'dashboard')?.[0];
    const metricsPath = [...this.#byPath].find(([, kind]) => kind === 'metrics')?.[0];
    const statusPath = [...this.#byPath].find(([, kind]) => kind === 'status')?.[0] ?? false;
    this.#dashboard =
      page === undefined || metricsPath === undefined
        ? undefined
        : dashboardPage({
            dashboardPath: page,
            metricsPath,
            statusPath,
            auth: mode,
            authHeader: this.authHeader === 'authorization' ? null : this.authHeader,
            rename: prefixer(this.#prefix),
          });
  }

  /** Which endpoint a request is for, if any. Only GET and HEAD are answered. */
  match(method: string | undefined, path: string): EndpointKind | undefined {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    return this.#byPath.get(path);
  }

  /** Answers one endpoint request. Never throws: a failure is a 500 without details. */
  async handle(
    kind: EndpointKind,
    accept: string | undefined,
    authorization: string | undefined,
    options?: HandleOptions,
  ): Promise<EndpointResponse> {
    try {
      if (kind === 'health')
        return {
          status: 200,
          headers: { 'content-type': JSON_TYPE, 'cache-control': NO_STORE },
          body: '{"status":"ok"}',
        };
      // A page with no data in it: open unless basic auth lets the browser carry credentials.
      const open = kind === 'dashboard' && !this.#dashboardAuth;
      if (this.#auth !== undefined && !open && !(await this.#auth(authorization)))
        return {
          status: 401,
          headers: {
            'content-type': 'text/plain; charset=utf-8',
            'www-authenticate': this.#challenge,
          },
          body: 'Unauthorized\n',
        };
      if (kind === 'metrics') {
        // A scrape function of the app's, or a prefix put on the whole text, needs the string.
        if (options?.stream === true && this.#ownScrape && this.#prefix === '') {
          await this.lens.collect();
          const format = negotiate(accept);
          const store = this.lens.store;
          return {
            status: 200,
            headers: { 'content-type': CONTENT_TYPES[format], 'cache-control': NO_STORE },
            body: '',
            stream:
              options.text === true
                ? renderTextStream(store, format)
                : renderStream(store, format, { pool: options.pool }),
          };
        }
        const { contentType, body } = await this.#scrape(accept);
        const text = this.#prefix === '' ? body : prefixHttpNames(body, this.#prefix);
        return {
          status: 200,
          headers: { 'content-type': contentType, 'cache-control': NO_STORE },
          body: text,
        };
      }
      if (kind === 'dashboard' && this.#dashboard !== undefined) {
        this.#dashboardHeaders ??= dashboardHeaders(this.#dashboard);
        return { status: 200, headers: await this.#dashboardHeaders, body: this.#dashboard.html };
      }
      const summary = await statusSummary(this.lens, this.#sources);
      return {
        status: summary.status === 'ready' ? 200 : 503,
        headers: { 'content-type': JSON_TYPE, 'cache-control': NO_STORE },
        body: JSON.stringify(summary),
      };
    } catch {
      return {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'Internal Server Error\n',
      };
    }
  }
}

/**
 * How the page gets past `auth`: `basic` when basic credentials are accepted (the browser asks
 * once and resends them on the page's fetches), `bearer` for tokens or a check function (the page
 * asks for a token and sends it as `Authorization: Bearer`), `none` without auth.
 */
function isBasic(auth: AuthOptions | undefined): boolean {
  return typeof auth === 'object' && auth !== null && 'basic' in auth && auth.basic !== undefined;
}

function dashboardAuth(auth: AuthOptions | undefined): 'none' | 'basic' | 'bearer' {
  if (auth === undefined) return 'none';
  if (isBasic(auth)) return 'basic';
  return 'bearer';
}
