/**
 * Route value of requests no route template matched (404s, scanners, middleware responses).
 *
 * @example
 * // sum(rate(http_requests_total{route="#unmatched"}[5m])): traffic no route answered
 * const query = `sum(rate(http_requests_total{route="${UNMATCHED_ROUTE}"}[5m]))`;
 */
export const UNMATCHED_ROUTE = '#unmatched';
/**
 * Route value once `maxRoutes` distinct templates were seen, so a misbehaving router stays bounded.
 *
 * @example
 * const folded = `http_requests_total{route="${OTHER_ROUTE}"}`; // non-zero: raise maxRoutes or fix the router
 */
export const OTHER_ROUTE = '#other';
/**
 * Custom label value once a label has seen `maxLabelValues` distinct values.
 *
 * @example
 * inferlens({ labels: { tenant: (req) => req.headers['x-tenant'] }, maxLabelValues: 50 }); // the 51st tenant reads OTHER_VALUE
 */
export const OTHER_VALUE = '#other';
/**
 * Status of a request whose client left before the headers went out (nginx's "client closed").
 *
 * @example
 * const gaveUp = `http_requests_total{status="${CLIENT_CLOSED_STATUS}"}`; // clients that left waiting
 */
export const CLIENT_CLOSED_STATUS = 499;

/**
 * The `outcome` label: `completed`; `aborted` when the client went away before the response was
 * complete; `error` for a 5xx, or a thrown error or broken body after a good status.
 *
 * @example
 * const outcome: Outcome = 'aborted'; // http_requests_total{outcome="aborted"}
 */
export type Outcome = 'completed' | 'aborted' | 'error';
export const OUTCOMES: readonly Outcome[] = ['completed', 'aborted', 'error'];

// The HTTP semconv's known methods; anything else is `_OTHER`, so a client cannot mint label values
// by inventing methods (https://opentelemetry.io/docs/specs/semconv/http/http-spans/).
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
]);

/** The `method` label value: the method when known, `_OTHER` otherwise, `''` when disabled. */
export function methodLabel(method: string | undefined, enabled: boolean): string {
  if (!enabled) return '';
  return method !== undefined && KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/** The `status` label value: `200`, or `2xx` when grouping; a code outside 100–599 is `0xx`/`0`. */
export function statusLabel(status: number, group: boolean): string {
  const valid = Number.isInteger(status) && status >= 100 && status <= 599;
  if (group) return valid ? `${Math.floor(status / 100)}xx` : '0xx';
  return valid ? String(status) : '0';
}

/**
 * Keeps a label's distinct values bounded: the first `limit` values pass, later new ones fold into
 * one value. Lookups of known values are a Set probe.
 */
export class BoundedValues {
  readonly #seen = new Set<string>();
  readonly #limit: number;
  readonly #fold: string;

  constructor(limit: number, fold: string) {
    this.#limit = limit;
    this.#fold = fold;
  }

  admit(value: string): string {
    if (this.#seen.has(value)) return value;
    if (this.#seen.size >= this.#limit) return this.#fold;
    this.#seen.add(value);
    return value;
  }
}
