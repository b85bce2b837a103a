import {
  createServer,
  type IncomingHttpHeaders,
  type RequestListener,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLens, type Lens, schema } from '@inferlens/core/internal';
import type { CollectionResult, MetricData } from '@opentelemetry/sdk-metrics';

/**
 * A lens on a hand-driven clock with three requests recorded through the tracker:
 * - llama-3-8b #1: arrives 0 ms, scheduled 50, first token 250, tokens at 300 and 350, finishes at
 *   350 with 12 prompt tokens and 3 generated (TTFT 0.25 s, queue 0.05 s, e2e 0.35 s).
 * - llama-3-8b #2: arrives 1000, scheduled 1000, first token 4000, finishes at 4000 with 300 prompt
 *   tokens and 1 generated (TTFT 3 s, e2e 3 s).
 * - mistral-7b: arrives 5000 and fails with `oom`.
 */
export function recordedLens(options: { buckets?: Record<string, number[]> } = {}): Lens {
  let now = 0;
  const lens = createLens({
    engine: 'vllm',
    constLabels: { worker_id: 'w1' },
    clock: () => now,
    ...(options.buckets ? { buckets: options.buckets } : {}),
  });
  const a = lens.request({ model: 'llama-3-8b' });
  a.queued(0);
  a.started(50);
  a.firstToken(1, 250);
  a.tokens(1, 300);
  a.tokens(1, 350);
  a.finish({ finishReason: 'stop', promptTokens: 12 }, 350);
  now = 1000;
  const b = lens.request({ model: 'llama-3-8b' });
  b.started(1000);
  b.firstToken(1, 4000);
  b.finish({ finishReason: 'length', promptTokens: 300, generationTokens: 1 }, 4000);
  now = 5000;
  lens.request({ model: 'mistral-7b' }).fail('oom', 5000);
  return lens;
}

/** The non-cumulative counts a histogram with `bounds` holds after observing `values`. */
export function bucketCounts(bounds: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    const i = bounds.findIndex((b) => v <= b);
    counts[i === -1 ? bounds.length : i]!++;
  }
  return counts;
}

/** The OTel attributes of an `llm`-scope series of the recorded lens. */
export function llmAttributes(model: string, extra: Record<string, string> = {}) {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': model,
    'gen_ai.provider.name': 'vllm',
    worker_id: 'w1',
    ...extra,
  };
}

/**
 * The attributes of a `gen_ai.*` metric's series measured where the model ran: the requested model
 * is also the model that served (`gen_ai.response.model`).
 */
export function served<T extends Record<string, unknown>>(attributes: T): T {
  return { ...attributes, 'gen_ai.response.model': attributes['gen_ai.request.model'] };
}

export function metricsOf(result: CollectionResult): MetricData[] {
  return result.resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
}

export function findMetric(result: CollectionResult, name: string): MetricData {
  const found = metricsOf(result).filter((m) => m.descriptor.name === name);
  if (found.length !== 1) throw new Error(`expected one metric ${name}, found ${found.length}`);
  return found[0]!;
}

export const TTFT = schema.timeToFirstToken;

export async function listen(handler: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An OTLP/HTTP receiver on 127.0.0.1 that keeps every request and answers 200 `{}`. */
export async function otlpReceiver(): Promise<{
  url: string;
  received: Received[];
  server: Server;
}> {
  const received: Received[] = [];
  const { server, port } = await listen((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { url: `http://127.0.0.1:${port}/v1/metrics`, received, server };
}

/** What the fake engine behind {@link attachEngine} reports; tests change it between collections. */
export interface EngineState {
  running: number;
  generated: number;
  /** TTFT with TGI-style bounds (float noise included) and no `_sum`, as a trimmed scrape has. */
  ttft: { bounds: number[]; cumulative: number[]; sum: number | undefined; count: number };
  /** Whether the engine's series are there at all (a target removed, or gone stale). */
  present: boolean;
}

export const ENGINE_LABELS = [
  ['model_name', 'qwen'],
  ['engine', 'vllm'],
  ['target', '10.0.0.5:8000'],
  ['dp_rank', '1'],
] as const;

/** The OTel attributes of an engine series mirrored into the recorded lens. */
export const ENGINE_ATTRIBUTES = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'qwen',
  'gen_ai.provider.name': 'vllm',
  target: '10.0.0.5:8000',
  dp_rank: '1',
  worker_id: 'w1',
};

/**
 * Attaches a mirror to the lens's store as an engine source does: a gauge, a counter and a TTFT
 * histogram from `state`, rebuilt at every read as a source rebuilds them at every scrape, plus a
 * value that fits no family (a number on a histogram), which every way out leaves out.
 */
export function attachEngine(lens: Lens, state: EngineState): () => void {
  return lens.store.addMirror({
    mirrored(id) {
      if (!state.present) return undefined;
      const labels = ENGINE_LABELS;
      if (id === 'requestsRunning') return [{ labels, value: state.running }];
      if (id === 'generationTokens') return [{ labels, value: state.generated }];
      if (id === 'timeToFirstToken')
        return [
          { labels, value: { ...state.ttft } },
          { labels: [['model_name', 'misshapen']], value: 1 },
        ];
      return undefined;
    },
  });
}

export function engineState(): EngineState {
  return {
    running: 3,
    generated: 100,
    ttft: {
      bounds: [0.0001, 0.00015000000000000001, 0.00022500000000000002],
      cumulative: [1, 3, 3, 5],
      sum: undefined,
      count: 5,
    },
    present: true,
  };
}
