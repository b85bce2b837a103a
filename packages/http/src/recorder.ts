import type { Lens } from '@inferlens/core/internal';
import { setupError } from '@inferlens/core/internal';
import { Exchange } from './exchange.js';
import { type MethodSeries, ROWS, RouteHandles } from './handles.js';
import {
  BoundedValues,
  CLIENT_CLOSED_STATUS,
  methodLabel,
  OTHER_ROUTE,
  OTHER_VALUE,
  type Outcome,
  UNMATCHED_ROUTE,
} from './labels.js';
import { positiveInt, type RecordOptions, resolveLens } from './options.js';
import { compileExclude, pathOf } from './paths.js';

type CustomLabel<Req> = [name: string, read: (req: Req) => unknown, values: BoundedValues];

/**
 * Adds the custom label names to the HTTP rows of the lens. They must be there before the first
 * request is recorded: a lens that already has HTTP series without them cannot take them (the core
 * says so, and we pass that on at setup).
 */
function declareLabels(pkg: string, lens: Lens, names: readonly string[]): void {
  if (names.length === 0) return;
  for (const id of ROWS) {
    try {
      lens.store.family(id).addLabels(names);
    } catch (error) {
      setupError(pkg, `labels: ${(error as Error).message.replace(/^\[@inferlens\/core\] /, '')}`);
    }
  }
}

/** Route handles kept per method; past it, handles are resolved per request (still bounded). */
const MAX_CACHED_ROUTES = 10_000;

/**
 * The HTTP recording every framework adapter shares: exclusions, bounded labels, in-flight, and
 * the one place a request's series are written. Adapters call `begin` when a request arrives and
 * `Exchange.end` once when it is over.
 *
 * @example
 * const recorder = new HttpRecorder('@inferlens/my-adapter', { lens }, (req) => req.routeTemplate);
 * const ex = recorder.begin(req.method, req.url, req); // undefined when excluded
 * ex?.sent(chunk.length);
 * ex?.end(200, false);
 */
export class HttpRecorder<Req> {
  readonly lens: Lens;
  readonly #excluded: (path: string) => boolean;
  readonly #groupStatus: boolean;
  readonly #methodOn: boolean;
  readonly #summary: boolean;
  readonly #frameworkRoute: (req: Req) => string | undefined;
  readonly #userRoute: ((req: Req) => string | undefined) | undefined;
  readonly #labels: CustomLabel<Req>[];
  readonly #routes: BoundedValues;
  readonly #methods = new Map<string, MethodSeries>();
  #cached = 0;

  constructor(
    pkg: string,
    options: RecordOptions<Req>,
    frameworkRoute: (req: Req) => string | undefined,
    alwaysExcluded: readonly string[] = [],
  ) {
    const o = options ?? {};
    this.lens = resolveLens(pkg, o.lens, o.buckets, o.summary);
    this.#summary = o.summary !== undefined && o.summary !== false;
    if (o.route !== undefined && typeof o.route !== 'function')
      setupError(pkg, '`route` must be a function of the request');
    if (o.exclude !== undefined && typeof o.exclude !== 'function' && !Array.isArray(o.exclude))
      setupError(pkg, '`exclude` must be an array of paths and RegExps, or a function');
    this.#excluded = compileExclude(o.exclude, alwaysExcluded);
    this.#groupStatus = o.groupStatus === true;
    this.#methodOn = o.method !== false;
    this.#frameworkRoute = frameworkRoute;
    this.#userRoute = o.route;
    this.#routes = new BoundedValues(positiveInt(pkg, 'maxRoutes', o.maxRoutes, 1000), OTHER_ROUTE);
    const maxValues = positiveInt(pkg, 'maxLabelValues', o.maxLabelValues, 100);
    this.#labels = Object.entries(o.labels ?? {}).map(([name, read]) => {
      if (typeof read !== 'function')
        setupError(pkg, `labels.${name}: must be a function of the request`);
      return [name, read, new BoundedValues(maxValues, OTHER_VALUE)];
    });
    declareLabels(
      pkg,
      this.lens,
      this.#labels.map(([name]) => name),
    );
  }

  /** Starts recording a request, or returns undefined when its path is excluded. Never throws. */
  begin(method: string | undefined, url: string | undefined, req: Req): Exchange<Req> | undefined {
    if (this.#excluded(typeof url === 'string' ? pathOf(url) : '')) return undefined;
    const m = methodLabel(method, this.#methodOn);
    let perMethod = this.#methods.get(m);
    if (perMethod === undefined) {
      const inFlight = this.lens.store.family('httpRequestsInFlight').series([m]);
      perMethod = { inFlight, routes: new Map() };
      this.#methods.set(m, perMethod);
    }
    perMethod.inFlight.value++;
    return new Exchange(this, req, m, perMethod, this.lens.now());
  }

  /** Records an ended exchange. Called by {@link Exchange.end}, once per request. */
  finish(ex: Exchange<Req>, status: number, aborted: boolean): void {
    try {
      // A body handed to the socket whole ended there; otherwise the end is now (the close).
      const now = !aborted && ex.doneAt >= 0 ? ex.doneAt : this.lens.now();
      // A client that left before the headers gets nginx's 499; after, the status it was sent.
      const code = aborted && !(status > 0) ? CLIENT_CLOSED_STATUS : status;
      // A thrown error the framework turned into a 4xx is the client's error; a 5xx, or a body
      // that broke after a good status, is ours. Express cannot see throws, so this rule is the
      // one all three frameworks can keep alike.
      const outcome: Outcome = aborted
        ? 'aborted'
        : code >= 500 || (ex.failed && code < 400)
          ? 'error'
          : 'completed';
      const h = this.#handles(ex);
      const s = h.status(code, outcome);
      const seconds = (now - ex.start) / 1000;
      s.requests.value++;
      s.duration.observe(seconds);
      s.quantiles?.observe(seconds, now);
      s.responseSize.observe(ex.bytesOut);
      h.requestSize.observe(ex.bytesIn);
      // A complete response with no body byte (204, HEAD, redirects) had its first byte at the end.
      if (ex.firstByteAt >= 0) h.timeToFirstByte.observe((ex.firstByteAt - ex.start) / 1000);
      else if (!aborted) h.timeToFirstByte.observe(seconds);
    } catch {
      // Recording must never reach the app; a bug here shows up as a dropped-event count.
      this.lens.drop('listener_error');
    }
  }

  #handles(ex: Exchange<Req>): RouteHandles {
    let raw = ex.route;
    if (raw === undefined && this.#userRoute !== undefined)
      raw = this.#call(this.#userRoute, ex.req);
    if (raw === undefined) raw = this.#call(this.#frameworkRoute, ex.req);
    const route =
      typeof raw === 'string' && raw !== '' ? this.lens.store.labelValue(raw) : UNMATCHED_ROUTE;
    const custom = this.#labels.length > 0 ? this.#customValues(ex.req) : undefined;
    const key = custom === undefined ? route : `${route}\u0001${custom.join('\u0001')}`;
    const routes = ex.perMethod.routes;
    const found = routes.get(key);
    if (found !== undefined) return found;
    // First sight of this key: fold the route if the route budget is spent. Folded routes are
    // never cached under their own name, so the cache is bounded by the budget too.
    const folded = route === UNMATCHED_ROUTE ? route : this.#routes.admit(route);
    const foldedKey = folded === route ? key : `${folded}${key.slice(route.length)}`;
    let h = routes.get(foldedKey);
    if (h === undefined) {
      const values: Record<string, string> = { method: ex.method, route: folded };
      if (custom !== undefined)
        this.#labels.forEach(([name], i) => {
          values[name] = custom[i]!;
        });
      h = new RouteHandles(this.lens, values, this.#groupStatus, this.#summary);
      if (this.#cached < MAX_CACHED_ROUTES) {
        routes.set(foldedKey, h);
        this.#cached++;
      }
    }
    return h;
  }

  /** Custom label values, each bounded; `''` (label absent) when the reader gives nothing. */
  #customValues(req: Req): string[] {
    const out: string[] = [];
    for (const [, read, values] of this.#labels) {
      const v = this.#call(read, req);
      // Cut to the lens's label bound before the value keys any cache here (a 15 KB header).
      const s = this.lens.store.labelValue(v).replaceAll('\u0001', '');
      out.push(s === '' ? '' : values.admit(s));
    }
    return out;
  }

  #call<T>(fn: (req: Req) => T, req: Req): T | undefined {
    try {
      return fn(req);
    } catch {
      this.lens.drop('listener_error');
      return undefined;
    }
  }
}
