/** Why a scrape failed; each is a `reason` of `inferlens_source_scrape_errors_total`. */
export type ScrapeErrorReason =
  | 'unreachable'
  | 'timeout'
  | 'http_error'
  | 'too_large'
  | 'truncated'
  | 'malformed'
  | 'cross_origin_redirect';

export type FetchOutcome =
  | { ok: true; text: string; contentType: string }
  | { ok: false; reason: ScrapeErrorReason; message: string };

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
}

/** Same-origin redirects followed at most, as a loop guard. */
export const MAX_REDIRECTS = 5;

/**
 * GETs `url` and returns its body as text, or why it could not: the whole exchange (connect,
 * headers, body) must finish within `timeoutMs`, and a body over `maxBytes` is abandoned as soon
 * as it passes the limit, so a huge or endless response costs at most `maxBytes` of memory.
 * Redirects are followed only within the target's origin (at most {@link MAX_REDIRECTS}): the
 * configured headers carry credentials, and fetch would send them to any host a redirect names
 * (issue #11), so a redirect to another origin is not followed and fails as
 * `cross_origin_redirect`. Never throws.
 */
export async function fetchText(url: string, limits: FetchLimits): Promise<FetchOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  try {
    let res: Response;
    let at = url;
    for (let hops = 0; ; hops++) {
      try {
        res = await fetch(at, {
          signal: controller.signal,
          headers: limits.headers,
          redirect: 'manual',
        });
      } catch (error) {
        if (timedOut)
          return { ok: false, reason: 'timeout', message: `no answer in ${limits.timeoutMs} ms` };
        return { ok: false, reason: 'unreachable', message: messageOf(error) };
      }
      const next = redirectTarget(res, at);
      if (next === undefined) break;
      await res.body?.cancel().catch(() => {});
      if (next.origin !== new URL(at).origin)
        return {
          ok: false,
          reason: 'cross_origin_redirect',
          message: `HTTP ${res.status} to ${next.origin}, another origin: not followed, so the configured headers stay with the target`,
        };
      if (hops >= MAX_REDIRECTS)
        return { ok: false, reason: 'http_error', message: `more than ${MAX_REDIRECTS} redirects` };
      at = next.href;
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      return { ok: false, reason: 'http_error', message: `HTTP ${res.status}` };
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > limits.maxBytes) {
      await res.body?.cancel().catch(() => {});
      return { ok: false, reason: 'too_large', message: `${declared} bytes declared` };
    }
    const body = await readCapped(res, limits.maxBytes);
    if (body === 'too_large')
      return { ok: false, reason: 'too_large', message: `body over ${limits.maxBytes} bytes` };
    if (body instanceof Error) {
      if (timedOut)
        return { ok: false, reason: 'timeout', message: `body not read in ${limits.timeoutMs} ms` };
      return { ok: false, reason: 'truncated', message: `body cut off: ${messageOf(body)}` };
    }
    const text = new TextDecoder().decode(body);
    return { ok: true, text, contentType: res.headers.get('content-type') ?? '' };
  } finally {
    clearTimeout(timer);
  }
}

/** Where a redirect response points, resolved against the URL asked; undefined for any other. */
function redirectTarget(res: Response, from: string): URL | undefined {
  if (![301, 302, 303, 307, 308].includes(res.status)) return undefined;
  const location = res.headers.get('location');
  if (location === null) return undefined;
  try {
    return new URL(location, from);
  } catch {
    return undefined;
  }
}

async function readCapped(
  res: Response,
  maxBytes: number,
): Promise<Uint8Array | Error | 'too_large'> {
  const reader = res.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return 'too_large';
      }
      chunks.push(value);
    }
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
