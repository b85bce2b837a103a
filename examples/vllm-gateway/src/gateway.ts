import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { CONTENT_TYPES, createLens, type Lens, negotiate, render } from '@inferlens/core/internal';
import type { AutoSource } from '@inferlens/engine-source';
import { type DiscoveryOptions, startDiscovery } from './discovery.js';
import { type Pick, proxy } from './proxy.js';
import { fleetSource, type ResolvedUpstream, router } from './upstreams.js';

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
export async function createGateway(
  options: DiscoveryOptions & { port?: number; host?: string },
): Promise<Gateway> {
  const engineLens = createLens({ engine: 'vllm', constLabels: { vantage: 'engine' } });
  const gatewayLens = createLens({ engine: 'gateway', constLabels: { vantage: 'gateway' } });
  // Each upstream's engine is told by its metric names (then /info, /props, /v1/models' owner).
  const source = await fleetSource(engineLens, options.upstreams);
  const discovery = await startDiscovery(options, source);
  const lenses = { engine: engineLens, gateway: gatewayLens };
  const pick = router(() => discovery.upstreams());
  const server = createServer(handler(lenses, source, pick));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 8080, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    lenses,
    get upstreams() {
      return discovery.upstreams();
    },
    status: () => fleetStatus(source),
    close: () =>
      new Promise<void>((resolve) => {
        discovery.close();
        source.close();
        engineLens.close();
        gatewayLens.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The gateway's routes: `/metrics`, `/health`, `/status` and the proxied OpenAI routes. */
function handler(
  lenses: Gateway['lenses'],
  source: AutoSource,
  pick: Pick,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/metrics') {
      // Collect both lenses (which scrapes the upstreams), then render their stores, mirrors
      // included, as one exposition: one HELP/TYPE block per metric across both vantage points.
      const format = negotiate(req.headers.accept);
      void Promise.all([lenses.engine.collect(), lenses.gateway.collect()]).then(() => {
        const body = render([lenses.engine.store, lenses.gateway.store], format);
        res.writeHead(200, { 'content-type': CONTENT_TYPES[format] }).end(body);
      });
      return;
    }
    if (req.method === 'GET' && path === '/health') return void res.writeHead(200).end('ok');
    if (req.method === 'GET' && path === '/status') {
      // Collecting scrapes the upstreams (at most once a second), so the status is current.
      void lenses.engine.collect().then(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify(fleetStatus(source), null, 2)}\n`);
      });
      return;
    }
    if (req.method === 'POST' && ROUTES.has(path)) {
      proxy(lenses.gateway, pick, req, res, path).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"error":{"message":"not found"}}');
  };
}

/** `GET /status`: one line per upstream. */
function fleetStatus(source: AutoSource): FleetStatus[] {
  return source.status().map((s) => ({
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
}
