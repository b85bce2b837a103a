/**
 * The stores the scrape suites render (issue 17): N label sets, each a 16-bound histogram and a
 * counter, held alike by inferlens, prom-client and (when asked) the OTel SDK, and one function
 * per contender that renders to bytes, as a server writes them to its socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ChunkPool,
  createLens,
  type Lens,
  type MetricId,
  render,
  renderBytes,
  renderStream,
  renderTextStream,
  type Store,
  schema,
} from '@inferlens/core/internal';
import { inferlensEndpoints } from '@inferlens/express';
import type { Counter as OtelCounter, Histogram as OtelHistogram } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { type Counter, type Histogram, Registry } from 'prom-client';
import { otelAttributes, otelSetup, promMetrics } from '../peers.js';

const HISTOGRAM = 'timeToFirstToken';
const FAMILIES = [HISTOGRAM, 'requests', 'eventsDropped'] as const;
const BUCKETS: Partial<Record<MetricId, readonly number[]>> = {
  [HISTOGRAM]: schema[HISTOGRAM].buckets.slice(0, 16),
};
const VALUES = [0.004, 0.018, 0.055, 0.2, 0.8, 4.2];

/** What a contender returns: the bytes it produced (so the work is kept). */
export type ToBytes = () => Promise<number>;

/** A `/metrics` handler for node:http, as each library serves a scrape. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Scrapers {
  /** Label sets (each two series: a histogram and a counter). */
  size: number;
  lens: Lens;
  store: Store;
  contenders: { name: string; fn: ToBytes }[];
  handlers: { name: string; handle: Handler }[];
  /**
   * Every synchronous slice of each scrape the timed handler served, in ms, timed inside the
   * renderer (`onSlice`), one array per scrape; the caller empties it.
   */
  slices: number[][];
  close(): Promise<void>;
}

/** Names of the rows the suites hold to the targets: the path @inferlens/express takes. */
export const STREAMED =
  'inferlens renderStream({ pool }), each chunk given back once written (Express /metrics)';
export const TIMED_HANDLER = 'inferlens renderStream({ pool }) to the socket, slices timed';
/** The string chunks Fastify's `/metrics` sends. */
export const TEXT_STREAMED =
  'inferlens renderTextStream(), each chunk encoded as a socket write does (Fastify /metrics)';

/**
 * What a Node socket does with a string chunk: encode it as UTF-8 into memory of its own, which it
 * frees once the bytes are sent (here one buffer, reused).
 */
function socketEncoder(): (chunk: string) => number {
  let buf = Buffer.allocUnsafeSlow(256 * 1024);
  return (chunk) => {
    if (chunk.length * 3 > buf.length) buf = Buffer.allocUnsafeSlow(chunk.length * 3);
    return buf.write(chunk);
  };
}

/**
 * The stream written to a response as @inferlens/express writes it (`writeChunks`): waiting for
 * `drain` when the socket is full, stopping when the client goes away, each chunk given back to
 * the pool once the socket has written it.
 */
async function writeTimed(
  res: ServerResponse,
  body: AsyncIterable<Uint8Array>,
  pool: ChunkPool,
): Promise<void> {
  let closed = false;
  // One close listener for the whole response (not one per drain wait, which piles up).
  let wake: (() => void) | undefined;
  res.on('close', () => {
    closed = true;
    wake?.();
  });
  for await (const chunk of body) {
    if (closed) break;
    if (!res.write(chunk, () => pool.release(chunk)))
      await new Promise<void>((resolve) => {
        wake = resolve;
        res.once('drain', resolve);
      });
    wake = undefined;
  }
  res.end();
}

/** Sum of chunk lengths: the chunks are what goes to the socket. */
function total(chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.byteLength;
  return n;
}

export async function scrapers(
  size: number,
  withOtel: boolean,
  withProm = true,
): Promise<Scrapers> {
  const lens = createLens({
    engine: 'vllm',
    buckets: BUCKETS,
    seriesLimit: size + 10,
    maxScrapeLength: 2 ** 29 - 24,
  });
  const store = lens.store;
  const registry = new Registry();
  const p = promMetrics(FAMILIES, registry, BUCKETS);
  // The store always holds inferlens_events_dropped_total for these reasons.
  for (const reason of ['invalid_value', 'label_too_long'])
    (p.eventsDropped as Counter).inc({ reason }, 0);
  const o = withOtel ? otelSetup(FAMILIES, BUCKETS) : undefined;
  for (let i = 0; i < size; i++) {
    const labels = { model_name: `meta-llama/Llama-3.1-8B-Instruct-ft${i}`, engine: 'vllm' };
    const values = [labels.model_name, labels.engine];
    const h = store.family(HISTOGRAM).series(values);
    const attrs = o && otelAttributes(HISTOGRAM, labels);
    for (const v of VALUES) {
      const x = v * (1 + (i % 7) / 10);
      h.observe(x);
      if (withProm) (p[HISTOGRAM] as Histogram).observe(labels, x);
      (o?.instruments[HISTOGRAM] as OtelHistogram | undefined)?.record(x, attrs);
    }
    const n = 3 + (i % 11);
    store
      .family('requests')
      .series([...values, 'stop'])
      .inc(n);
    if (withProm) (p.requests as Counter).inc({ ...labels, finish_reason: 'stop' }, n);
    (o?.instruments.requests as OtelCounter | undefined)?.add(
      n,
      otelAttributes('requests', { ...labels, finish_reason: 'stop' }),
    );
  }
  const serializer = new PrometheusSerializer();
  const encode = socketEncoder();
  const pool = new ChunkPool();
  const contenders: { name: string; fn: ToBytes }[] = [
    {
      name: STREAMED,
      fn: async () => {
        let n = 0;
        // What the socket does with a byte chunk: hands it to the kernel as it is, then back.
        for await (const c of renderStream(store, 'prometheus', { pool })) {
          n += c.byteLength;
          pool.release(c);
        }
        return n;
      },
    },
    {
      name: TEXT_STREAMED,
      fn: async () => {
        let n = 0;
        for await (const c of renderTextStream(store)) n += encode(c);
        return n;
      },
    },
    { name: 'inferlens renderBytes() (one call)', fn: async () => total(renderBytes(store)) },
    {
      name: 'inferlens renderStream(), fresh buffers (Hono /metrics)',
      fn: async () => {
        let n = 0;
        for await (const c of renderStream(store)) n += c.byteLength;
        return n;
      },
    },
    {
      name: 'inferlens render() string, then Buffer.from',
      fn: async () => Buffer.from(render(store)).byteLength,
    },
    {
      name: 'prom-client await registry.metrics(), then Buffer.from',
      fn: async () => Buffer.from(await registry.metrics()).byteLength,
    },
  ];
  if (o)
    contenders.push({
      name: 'exporter-prometheus collect() + serialize(), then Buffer.from',
      fn: async () =>
        Buffer.from(serializer.serialize((await o.exporter.collect()).resourceMetrics)).byteLength,
    });
  const endpoints = inferlensEndpoints({ lens });
  const slices: number[][] = [];
  const handlers: { name: string; handle: Handler }[] = [
    {
      name: TIMED_HANDLER,
      handle: (_req, res) => {
        res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
        const times: number[] = [];
        const onSlice = (ms: number): void => {
          times.push(ms);
        };
        void writeTimed(res, renderStream(store, 'prometheus', { onSlice, pool }), pool).then(() =>
          slices.push(times),
        );
      },
    },
    {
      name: 'inferlens /metrics (@inferlens/express, sliced and streamed)',
      handle: (req, res) => endpoints(req as never, res as never),
    },
    {
      name: 'inferlens renderBytes() in one call, then written',
      handle: (_req, res) => {
        res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
        for (const c of renderBytes(store)) res.write(c);
        res.end();
      },
    },
    {
      name: 'prom-client await registry.metrics(), then written',
      handle: (_req, res) => {
        void registry.metrics().then((text) => res.end(text));
      },
    },
  ];
  if (o)
    handlers.push({
      name: 'exporter-prometheus collect() + serialize(), then written',
      handle: (_req, res) => {
        void o.exporter.collect().then((c) => res.end(serializer.serialize(c.resourceMetrics)));
      },
    });
  return {
    size,
    lens,
    store,
    contenders,
    handlers,
    slices,
    close: async () => {
      await o?.provider.shutdown();
    },
  };
}
