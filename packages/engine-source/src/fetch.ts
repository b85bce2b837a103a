/** Why a scrape failed; each is a `reason` of `inferlens_source_scrape_errors_total`. */
export type ScrapeErrorReason =
  | 'unreachable'
  | 'timeout'
  | 'http_error'
  | 'too_large'
  | 'truncated'
  | 'malformed';

export type FetchOutcome =
  | { ok: true; text: string; contentType: string }
  | { ok: false; reason: ScrapeErrorReason; message: string };

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
}

/**
 * GETs `url` and returns its body as text, or why it could not: the whole exchange (connect,
 * headers, body) must finish within `timeoutMs`, and a body over `maxBytes` is abandoned as soon
 * as it passes the limit, so a huge or endless response costs at most `maxBytes` of memory.
 * Never throws.
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
    try {
      res = await fetch(url, { signal: controller.signal, headers: limits.headers });
    } catch (error) {
      if (timedOut)
        return { ok: false, reason: 'timeout', message: `no answer in ${limits.timeoutMs} ms` };
      return { ok: false, reason: 'unreachable', message: messageOf(error) };
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
