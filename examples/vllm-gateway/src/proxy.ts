import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Lens, RequestTracker } from '@inferlens/core';
import { readOpenAIChunk, timeSseBytes } from '@inferlens/engine-source';
import type { ResolvedUpstream } from './upstreams.js';

/** Picks the upstream for a model (undefined: any); undefined when none can take it. */
export type Pick = (model: string | undefined) => ResolvedUpstream | undefined;

const sendError = (res: ServerResponse, status: number, message: string): void =>
  void res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ error: { message } }));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Proxies one chat or completion request to the upstream serving its model, and times the
 * response from the gateway's side into `lens` (TTFT at the first content chunk, ITL, usage,
 * finish reason; a failure or an abort when the upstream or the client goes away).
 */
export async function proxy(
  lens: Lens,
  pick: Pick,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const raw = await readBody(req);
  const body = safeJson(raw) as { model?: unknown; stream?: unknown } | undefined;
  if (body === null || typeof body !== 'object') return sendError(res, 400, 'invalid JSON');
  const model = typeof body.model === 'string' ? body.model : undefined;
  const up = pick(model);
  if (!up) return sendError(res, 503, 'no upstream');
  const tracker = lens.request({ model: model ?? up.models[0] ?? 'unknown', engine: up.engine });
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  let upstream: Response;
  try {
    upstream = await fetch(up.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
      signal: abort.signal,
    });
  } catch {
    if (abort.signal.aborted) return tracker.abort();
    tracker.fail('upstream_unreachable');
    return sendError(res, 502, 'upstream unreachable');
  }
  await relay(tracker, upstream, res, body.stream === true);
}

/** Writes the upstream's answer to the client, streamed or whole, and ends the tracker. */
async function relay(
  tracker: RequestTracker,
  upstream: Response,
  res: ServerResponse,
  stream: boolean,
): Promise<void> {
  const type = upstream.headers.get('content-type') ?? 'application/json';
  res.writeHead(upstream.status, { 'content-type': type, 'cache-control': 'no-cache' });
  if (upstream.status !== 200 || !upstream.body) {
    tracker.fail(`http_${upstream.status}`);
    res.end(Buffer.from(await upstream.arrayBuffer()));
    return;
  }
  if (stream && type.includes('text/event-stream')) {
    try {
      for await (const bytes of timeSseBytes(tracker, upstream.body))
        if (!res.write(bytes)) await new Promise((r) => res.once('drain', r));
    } catch {
      // Recorded by the timer (a failure, or an abort when the client left); nothing to add.
    }
    res.end();
    return;
  }
  const text = await upstream.text();
  // A whole response reads like one chunk: choices[0].finish_reason and usage.
  tracker.finish(readOpenAIChunk(safeJson(text)).finish ?? {});
  res.end(text);
}
