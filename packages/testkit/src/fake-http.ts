/// <reference types="node" />
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How a fake engine answers `/metrics`, to test scrapers against every failure a real fleet shows:
 * `down` resets the connection, `slow` answers after `slowMs`, `http_500` fails, `truncated` sends
 * part of a declared body then drops the connection, `cut_line` ends a complete response in the
 * middle of a line, `malformed` inserts a line no parser accepts, `huge` streams 10 MB of
 * valid metric lines.
 */
export type MetricsFault =
  | 'none'
  | 'down'
  | 'slow'
  | 'http_500'
  | 'truncated'
  | 'cut_line'
  | 'malformed'
  | 'huge';

/**
 * A started fake server: its base URL and `close()`.
 *
 * @example
 * const vllm = await startFakeVllm(); console.log(vllm.url); await vllm.close();
 */
export interface FakeServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** What `/metrics` does now; change it at any time. */
  fault: MetricsFault;
  /** Delay of the `slow` fault (default 30 s; the response ends when the client gives up). */
  slowMs: number;
  /** `/metrics` requests served (or refused) so far. */
  readonly scrapes: number;
  /** The metrics text as the engine would serve it now. */
  metricsText(): string;
  /** Stops the engine and the server, dropping open connections. */
  close(): Promise<void>;
}

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
) => void | Promise<void>;

const HUGE_BYTES = 10 * 1024 * 1024;

/** Reads a request body (small JSON requests; capped at 1 MiB). */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      if (body.length < 1 << 20) body += c;
    });
    req.on('end', () => resolve(body));
    req.on('error', () => resolve(body));
  });
}

export function sendJson(res: ServerResponse, status: number, json: unknown): void {
  const text = JSON.stringify(json);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function serveMetrics(server: FakeServer, res: ServerResponse, contentType: string): void {
  const text = server.metricsText();
  const socket = res.socket;
  switch (server.fault) {
    case 'down':
      socket?.destroy();
      return;
    case 'http_500':
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
      return;
    case 'slow': {
      const t = setTimeout(() => {
        if (!res.destroyed) res.end(text);
      }, server.slowMs);
      res.on('close', () => clearTimeout(t));
      res.writeHead(200, { 'content-type': contentType });
      return;
    }
    case 'truncated':
      res.writeHead(200, {
        'content-type': contentType,
        'content-length': Buffer.byteLength(text),
      });
      res.write(text.slice(0, text.length >> 1));
      setTimeout(() => socket?.destroy(), 5);
      return;
    case 'cut_line': {
      const cut = text.slice(0, text.lastIndexOf('\n', text.length - 2) + 8);
      res.writeHead(200, { 'content-type': contentType });
      res.end(cut);
      return;
    }
    case 'malformed':
      res.writeHead(200, { 'content-type': contentType });
      res.end(`${text}this is { not a metric\n`);
      return;
    case 'huge': {
      res.writeHead(200, { 'content-type': contentType });
      const line = `${'x'.repeat(60)}{a="b"} 1\n`;
      const block = line.repeat(Math.ceil(65536 / line.length));
      let sent = 0;
      const pump = (): void => {
        while (sent < HUGE_BYTES) {
          sent += block.length;
          if (!res.write(block)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    default:
      res.writeHead(200, { 'content-type': contentType });
      res.end(text);
  }
}

/** Starts a fake engine's HTTP server on 127.0.0.1: `/metrics` with faults, other routes by `routes`. */
export async function startFakeServer(options: {
  port?: number;
  contentType: string;
  metricsText: () => string;
  routes: Record<string, Handler>;
  onClose: () => void;
}): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  let scrapes = 0;
  const box: { self?: FakeServer } = {};
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/metrics' && req.method === 'GET') {
      scrapes++;
      return serveMetrics(box.self!, res, options.contentType);
    }
    const handler = options.routes[`${req.method} ${path}`];
    if (!handler) return sendJson(res, 404, { error: `no route ${req.method} ${path}` });
    void readBody(req).then(async (body) => {
      try {
        await handler(req, res, body);
      } catch (error) {
        if (!res.headersSent) sendJson(res, 500, { error: String(error) });
        else res.destroy();
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const self: FakeServer = {
    url: `http://127.0.0.1:${port}`,
    fault: 'none',
    slowMs: 30_000,
    get scrapes() {
      return scrapes;
    },
    metricsText: options.metricsText,
    close: () =>
      new Promise<void>((resolve) => {
        options.onClose();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  box.self = self;
  return self;
}

/** Writes one SSE event the way each engine frames it: vLLM `data: {…}`, TGI `data:{…}`. */
export function sseEvent(data: string, space: boolean): string {
  return `data:${space ? ' ' : ''}${data}\n\n`;
}
