import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  CONTENT_TYPES,
  createLens,
  type Lens,
  negotiate,
  type RequestTracker,
  render,
} from '@inferlens/core/internal';
import { type AutoTarget, readOpenAIChunk, timeSseBytes } from '@inferlens/engine-source';
import type { Upstream } from './args.js';
import { type DnsSpec, type Resolver, watchDns } from './dns-sd.js';
import { watchFileSd } from './file-sd.js';
import { autoTarget, fleetSource, type ResolvedUpstream, resolve, router } from './upstreams.js';

export interface Gateway {
  url: string;
  /** `engine`: the upstreams' own metrics, mirrored; `gateway`: what the gateway measured. */
  lenses: { engine: Lens; gateway: Lens };
  /** The upstreams now: the static ones, then those of the file_sd file. */
  readonly upstreams: ResolvedUpstream[];
  /** Every upstream's engine, how it was told, health, standard series and skipped lines. */
  status(): FleetStatus[];
  close(): Promise<void>;
}

const ROUTES = new Set(['/v1/chat/completions', '/v1/completions']);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** One upstream's line of `GET /status`. */
export interface FleetStatus {
  target: string;
  url: string;
  engine: string;
  /** `metrics`, `probe`, `models` or `forced`; null when the engine could not be told. */
  detectedBy: string | null;
  models: string[];
  up: boolean;
  stale: boolean;
  /** Standard-row series of the last good scrape; null before one. */
  standardSeries: number | null;
  dropped: Record<string, number>;
  /** `unknown_engine` or `no_standard_series`; null when the target is useful. */
  problem: string | null;
  lastError: string | null;
}

/**
 * An OpenAI-compatible gateway in front of a mixed fleet of vLLM, TGI, SGLang and llama.cpp
 * servers: it proxies chat and completion
 * requests (routing by model), times every response from its side (TTFT at the first content
 * chunk, ITL, TPOT, e2e, usage, finish reason, errors), scrapes every upstream's `/metrics` when
 * it is scraped itself, and serves all of it as one `/metrics`.
 *
 * Two lenses keep the two vantage points apart in one exposition: series measured by the gateway
 * carry `vantage="gateway"`, the upstreams' own mirrored series `vantage="engine"`.
 */
export async function createGateway(options: {
  upstreams: Upstream[];
  /** A Prometheus file_sd file (JSON or YAML) with more upstreams, re-read when it changes. */
  fileSd?: string;
  /** How often the file_sd file is checked (default 5000 ms). */
  fileSdIntervalMs?: number;
  /** Names resolved into upstreams (`host:port` A/AAAA, `srv+name` SRV), re-resolved. */
  dns?: DnsSpec[];
  /** How often the names are re-resolved (default 30 s). */
  dnsIntervalMs?: number;
  /** The DNS resolver (default node:dns). */
  dnsResolver?: Resolver;
  /** Where discovery problems go (default console.error). */
  onError?: (error: Error) => void;
  port?: number;
  host?: string;
}): Promise<Gateway> {
  const engineLens = createLens({ engine: 'vllm', constLabels: { vantage: 'engine' } });
  const gatewayLens = createLens({ engine: 'gateway', constLabels: { vantage: 'gateway' } });
  // Each upstream's engine is told by its metric names (then /info, /props, /v1/models' owner).
  const source = await fleetSource(engineLens, options.upstreams);
  // Discovered upstreams by source (file_sd, DNS); a static upstream wins over a discovered one.
  const found: { file: AutoTarget[]; dns: AutoTarget[] } = { file: [], dns: [] };
  const all = (): Upstream[] => {
    const seen = new Set(options.upstreams.map((u) => u.url));
    const more = [...found.file, ...found.dns].filter((t) => !seen.has(t.url) && seen.add(t.url));
    return [
      ...options.upstreams,
      ...more.map((t) => ({
        url: t.url,
        engine: t.engine as Upstream['engine'],
        labels: t.labels,
      })),
    ];
  };
  let upstreams = resolve(all(), source.status());
  const apply = (from: 'file' | 'dns') => async (targets: AutoTarget[]) => {
    found[from] = targets;
    await source.setTargets(all().map(autoTarget));
    upstreams = resolve(all(), source.status());
  };
  const onError = options.onError ?? ((e: Error) => console.error(e.message));
  const discovery = [
    options.fileSd === undefined
      ? undefined
      : watchFileSd(options.fileSd, apply('file'), {
          intervalMs: options.fileSdIntervalMs,
          onError,
        }),
    options.dns?.length
      ? watchDns(options.dns, apply('dns'), {
          intervalMs: options.dnsIntervalMs,
          resolver: options.dnsResolver,
          onError,
        })
      : undefined,
  ];
  for (const d of discovery) await d?.ready;
  const pick = router(() => upstreams);
  const status = (): FleetStatus[] =>
    source.status().map((s) => ({
      target: s.target,
      url: s.url,
      engine: s.engine,
      detectedBy: s.detection.by ?? null,
      models: s.detection.models,
      up: s.up,
      stale: s.stale,
      standardSeries: s.standardSeries ?? null,
      dropped: s.dropped as Record<string, number>,
      problem: s.problem ?? null,
      lastError: s.lastError ? `${s.lastError.reason}: ${s.lastError.message}` : null,
    }));

  const proxy = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const raw = await readBody(req);
    let body: { model?: unknown; stream?: unknown };
    try {
      body = JSON.parse(raw);
    } catch {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"error":{"message":"invalid JSON"}}');
      return;
    }
    const model = typeof body.model === 'string' ? body.model : undefined;
    const up = pick(model);
    if (!up) {
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end('{"error":{"message":"no upstream"}}');
      return;
    }
    const tracker: RequestTracker = gatewayLens.request({
      model: model ?? up.models[0] ?? 'unknown',
      engine: up.engine,
    });
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
      res
        .writeHead(502, { 'content-type': 'application/json' })
        .end('{"error":{"message":"upstream unreachable"}}');
      return;
    }
    const type = upstream.headers.get('content-type') ?? 'application/json';
    res.writeHead(upstream.status, { 'content-type': type, 'cache-control': 'no-cache' });
    if (upstream.status !== 200 || !upstream.body) {
      tracker.fail(`http_${upstream.status}`);
      res.end(Buffer.from(await upstream.arrayBuffer()));
      return;
    }
    if (body.stream === true && type.includes('text/event-stream')) {
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
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/metrics') {
      // Collect both lenses (which scrapes the upstreams), then render their stores, mirrors
      // included, as one exposition: one HELP/TYPE block per metric across both vantage points.
      const format = negotiate(req.headers.accept);
      void Promise.all([engineLens.collect(), gatewayLens.collect()]).then(() => {
        const body = render([engineLens.store, gatewayLens.store], format);
        res.writeHead(200, { 'content-type': CONTENT_TYPES[format] }).end(body);
      });
      return;
    }
    if (req.method === 'GET' && path === '/health') return void res.writeHead(200).end('ok');
    if (req.method === 'GET' && path === '/status') {
      // Collecting scrapes the upstreams (at most once a second), so the status is current.
      void engineLens.collect().then(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify(status(), null, 2)}\n`);
      });
      return;
    }
    if (req.method === 'POST' && ROUTES.has(path)) {
      proxy(req, res, path).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"error":{"message":"not found"}}');
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', resolve),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    lenses: { engine: engineLens, gateway: gatewayLens },
    get upstreams() {
      return upstreams;
    },
    status,
    close: () =>
      new Promise<void>((resolve) => {
        for (const d of discovery) d?.close();
        source.close();
        engineLens.close();
        gatewayLens.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
