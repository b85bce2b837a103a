import { type Agent, request } from 'node:http';

/** The bytes the SSE test routes send for event `i` (1-based); every framework writes the same. */
export function sseEvent(i: number): string {
  return `data: event-${i}\n\n`;
}

export interface SseResult {
  /** Bytes of body received. */
  bytes: number;
  status: number;
  aborted: boolean;
}

/**
 * GETs an SSE route on its own socket. With `abortAfter`, destroys the connection once that many
 * bytes of body arrived (mid-stream, like a user closing the tab).
 */
export function sse(url: string, abortAfter?: number): Promise<SseResult> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const req = request(url, { agent: false }, (res) => {
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (abortAfter !== undefined && bytes >= abortAfter) {
          req.destroy();
          resolve({ bytes, status: res.statusCode ?? 0, aborted: true });
        }
      });
      res.on('end', () => resolve({ bytes, status: res.statusCode ?? 0, aborted: false }));
      res.on('error', () => {});
    });
    req.on('error', (e) =>
      abortAfter !== undefined && bytes >= abortAfter ? undefined : reject(e),
    );
    req.end();
  });
}

/** A plain request; resolves with status and body text. */
export function send(
  url: string,
  options: { method?: string; body?: string; headers?: Record<string, string>; agent?: Agent } = {},
): Promise<{
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Writes `sseEvent(1…n)` `ms` apart, then ends: the body of every test app's `/sse` route.
 * Returns a function that stops it (call it when the client goes away).
 */
export function sseTicker(
  n: number,
  ms: number,
  write: (chunk: string) => void,
  end: () => void,
): () => void {
  let i = 0;
  let timer: ReturnType<typeof setTimeout>;
  const next = () => {
    write(sseEvent(++i));
    if (i === n) end();
    else timer = setTimeout(next, ms);
  };
  timer = setTimeout(next, ms);
  return () => clearTimeout(timer);
}
