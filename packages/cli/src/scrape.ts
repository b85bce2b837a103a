import { type FetchOutcome, fetchText } from '@inferlens/engine-source/internal';
import { UsageError } from './ui.js';

export interface ScrapeOptions {
  timeoutMs: number;
  maxBytes: number;
  /** `Authorization` header value, from {@link authHeader}. */
  authorization?: string;
  /** Accept header; default what Prometheus 2.x sends (OpenMetrics first). */
  accept?: string;
}

export type Scrape =
  | { ok: true; text: string; contentType: string; bytes: number; seconds: number }
  | { ok: false; reason: string; message: string; seconds: number };

/**
 * `--auth`: `bearer:<token>` or `basic:<user>:<password>`; a bare `<user>:<password>` is basic and
 * anything else a bearer token. `INFERLENS_AUTH` holds the same when the flag is not given, so a
 * secret need not sit in the shell history or `ps`.
 */
export function authHeader(auth: string | undefined): string | undefined {
  if (auth === undefined || auth === '') return undefined;
  if (/^bearer:/i.test(auth)) return `Bearer ${auth.slice(7)}`;
  const basic = /^basic:/i.test(auth) ? auth.slice(6) : auth.includes(':') ? auth : undefined;
  if (basic === undefined) return `Bearer ${auth}`;
  if (!basic.includes(':')) throw new UsageError('--auth basic:<user>:<password> needs a password');
  return `Basic ${Buffer.from(basic).toString('base64')}`;
}

/** `http://host:8000` → `http://host:8000/metrics`; a URL with a path is kept as it is. */
export function metricsUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new UsageError(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`"${raw}": only http and https URLs are scraped`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/metrics';
  return url.href;
}

/** One bounded GET of `/metrics` (the whole exchange within the timeout, the body within maxBytes). */
export async function scrape(url: string, options: ScrapeOptions): Promise<Scrape> {
  const started = performance.now();
  const headers: Record<string, string> = {
    // What Prometheus 2.x asks for: OpenMetrics first, then the text format.
    accept:
      options.accept ??
      'application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  };
  if (options.authorization) headers.authorization = options.authorization;
  const res: FetchOutcome = await fetchText(url, {
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes,
    headers,
  });
  const seconds = (performance.now() - started) / 1000;
  if (!res.ok) return { ...res, seconds, message: explain(res.message, options) };
  return { ...res, bytes: Buffer.byteLength(res.text), seconds };
}

function explain(message: string, options: ScrapeOptions): string {
  if (message === 'HTTP 401' || message === 'HTTP 403')
    return `${message}: ${options.authorization ? 'the credentials given were refused' : 'the endpoint wants credentials; pass --auth'}`;
  if (message === 'HTTP 404')
    return `${message}: no metrics at this path (vLLM, SGLang: /metrics; TGI: /metrics on the main port; llama.cpp: start llama-server with --metrics)`;
  return message;
}
