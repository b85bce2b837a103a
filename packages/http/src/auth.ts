import { setupError } from '@inferlens/core/internal';

/**
 * One accepted username and password of basic auth.
 *
 * @example
 * const ops: BasicCredentials = { username: 'ops', password: process.env.METRICS_PASSWORD! };
 * inferlens({ auth: { basic: [ops] } });
 */
export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * Auth by any request header: its value must be one of `keys`, or pass your `check`.
 *
 * @example
 * inferlens({ auth: { header: 'x-api-key', keys: [process.env.METRICS_KEY!] } });
 */
export interface HeaderAuth {
  /** The header to read, e.g. `x-api-key` (case-insensitive). */
  header: string;
  /** Accepted values (several, to rotate them), compared in constant time. */
  keys?: string | readonly string[];
  /** Your own check of the header's value (instead of `keys`). */
  check?: (value: string | undefined) => boolean | Promise<boolean>;
}

/**
 * Who may read `/metrics` and `/status`: bearer tokens, basic credentials (several of each, to
 * rotate them), your own check of the `Authorization` header, or any other header
 * (`{ header: 'x-api-key', keys: [key] }`).
 *
 * @example
 * inferlens({ auth: { header: 'x-api-key', keys: [process.env.METRICS_KEY!] } });
 */
export type AuthOptions =
  | {
      bearer?: string | readonly string[];
      basic?: BasicCredentials | readonly BasicCredentials[];
    }
  | HeaderAuth
  | ((authorization: string | undefined) => boolean | Promise<boolean>);

/** RFC 9110 field-name characters (a token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The request header an auth option reads, lower-cased: `authorization` unless the option names
 * another. Adapters pass that header's value to `Endpoints.handle`.
 */
export function authHeaderOf(auth: AuthOptions | undefined): string {
  return typeof auth === 'object' &&
    auth !== null &&
    'header' in auth &&
    typeof auth.header === 'string'
    ? auth.header.toLowerCase()
    : 'authorization';
}

/** Decides on an `Authorization` header; resolves to true when the request may pass. */
export type Authorizer = (authorization: string | undefined) => Promise<boolean>;

declare function btoa(s: string): string;
declare const TextEncoder: new () => { encode(s: string): Uint8Array };

/**
 * Compiles auth options into one check. Every accepted header is precomputed, and a presented
 * header is compared with each of them in constant time, so a wrong token takes as long as a
 * nearly right one (no early exit on the first different byte).
 *
 * @example
 * const allowed = compileAuth('@inferlens/express', { bearer: process.env.METRICS_TOKEN! });
 * await allowed(req.headers.authorization); // true or false
 */
export function compileAuth(pkg: string, auth: AuthOptions | undefined): Authorizer | undefined {
  if (auth === undefined) return undefined;
  if (typeof auth === 'function') {
    return async (header) => {
      try {
        return (await auth(header)) === true;
      } catch {
        return false; // a throwing check denies; it never reaches the app
      }
    };
  }
  if (auth === null || typeof auth !== 'object')
    setupError(pkg, '`auth` must be an object or a function');
  if ('header' in auth) return compileHeaderAuth(pkg, auth);
  const accepted: Uint8Array[] = [];
  const encoder = new TextEncoder();
  const bearers = auth.bearer === undefined ? [] : ([] as string[]).concat(auth.bearer);
  for (const token of bearers) {
    if (typeof token !== 'string' || token.trim() === '')
      setupError(pkg, 'auth.bearer: tokens must be non-empty strings');
    accepted.push(encoder.encode(`Bearer ${token}`));
  }
  const basics = auth.basic === undefined ? [] : ([] as BasicCredentials[]).concat(auth.basic);
  for (const c of basics) {
    if (!c || typeof c.username !== 'string' || typeof c.password !== 'string' || c.username === '')
      setupError(pkg, 'auth.basic: give { username, password } strings');
    if (c.username.includes(':')) setupError(pkg, 'auth.basic: a username cannot contain ":"');
    accepted.push(
      encoder.encode(
        `Basic ${btoa(String.fromCharCode(...encoder.encode(`${c.username}:${c.password}`)))}`,
      ),
    );
  }
  if (accepted.length === 0)
    setupError(pkg, 'auth: give `bearer`, `basic`, `header` with `keys`, or a function');
  return matchAny(accepted, (header) => normalizeScheme(header.trim()));
}

function compileHeaderAuth(pkg: string, auth: HeaderAuth): Authorizer {
  if (typeof auth.header !== 'string' || !HEADER_NAME.test(auth.header))
    setupError(pkg, 'auth.header: give a header name, like "x-api-key"');
  const { keys, check } = auth;
  if ((keys === undefined) === (check === undefined))
    setupError(pkg, 'auth: with `header`, give either `keys` or `check`');
  if (check !== undefined) {
    if (typeof check !== 'function') setupError(pkg, 'auth.check: must be a function');
    return async (value) => {
      try {
        return (await check(value)) === true;
      } catch {
        return false; // a throwing check denies; it never reaches the app
      }
    };
  }
  const encoder = new TextEncoder();
  const accepted: Uint8Array[] = [];
  for (const key of ([] as string[]).concat(keys ?? [])) {
    if (typeof key !== 'string' || key.trim() === '')
      setupError(pkg, 'auth.keys: keys must be non-empty strings');
    accepted.push(encoder.encode(key));
  }
  if (accepted.length === 0) setupError(pkg, 'auth.keys: give at least one key');
  return matchAny(accepted, (value) => value.trim());
}

/** True when the header, prepared, equals one of `accepted`, each compared in constant time. */
function matchAny(
  accepted: readonly Uint8Array[],
  prepare: (header: string) => string,
): Authorizer {
  const encoder = new TextEncoder();
  return async (header) => {
    if (typeof header !== 'string') return false;
    const given = encoder.encode(prepare(header));
    let ok = false;
    // Compare with every accepted value, not stopping at a match, so timing says nothing either.
    for (const a of accepted) ok = constantTimeEqual(given, a) || ok;
    return ok;
  };
}

/** The auth scheme is case-insensitive (RFC 9110 §11.1); the credentials are not. */
function normalizeScheme(header: string): string {
  const space = header.indexOf(' ');
  if (space === -1) return header;
  const scheme = header.slice(0, space).toLowerCase();
  const rest = header.slice(space).trimStart();
  if (scheme === 'bearer') return `Bearer ${rest}`;
  if (scheme === 'basic') return `Basic ${rest}`;
  return header;
}

/**
 * True when `a` and `b` hold the same bytes, in time that depends only on the length of `b` (the
 * secret side); a length mismatch is folded into the result rather than returned early.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i % (a.length || 1)] ?? 0) ^ b[i]!;
  return diff === 0;
}
