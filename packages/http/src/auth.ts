import { setupError } from './errors.js';

export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * Who may read `/metrics` and `/status`: bearer tokens, basic credentials (several of each, to
 * rotate them), or your own check of the `Authorization` header.
 */
export type AuthOptions =
  | {
      bearer?: string | readonly string[];
      basic?: BasicCredentials | readonly BasicCredentials[];
    }
  | ((authorization: string | undefined) => boolean | Promise<boolean>);

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
  if (accepted.length === 0) setupError(pkg, 'auth: give `bearer`, `basic`, or a function');
  return async (header) => {
    if (typeof header !== 'string') return false;
    const given = encoder.encode(normalizeScheme(header.trim()));
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
