/**
 * One Hono app for the runtimes that serve Web `fetch` handlers (Deno.serve in test/deno/server.ts,
 * workerd in test/workerd/worker.ts): `@inferlens/hono` records HTTP, `instrument()` of
 * `@inferlens/core` records the LLM rows of a simulated engine that streams SSE, and `/otlp/flush`
 * pushes the lens to an OTLP/HTTP receiver twice: JSON through `createOtlpReader` of
 * `@inferlens/otel/otlp`, and protobuf through the producer and the SDK's proto exporter.
 *
 * Web APIs only (no `node:*`), so the same file runs everywhere the README says core and
 * `@inferlens/hono` run.
 */
import { createLens, instrument } from '@inferlens/core';
import { inferlens } from '@inferlens/hono';
import { createMetricProducer, createOtlpReader } from '@inferlens/otel/otlp';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { Hono } from 'hono';
import { Engine, MODEL, PROMPT_TOKENS } from './runtime-sim.js';

interface Pushers {
  flush(): Promise<void>;
}

export interface RuntimeAppOptions {
  /** The `engine` label, and what `/hello` answers with. */
  runtime: string;
  /** The receiver's `/v1/metrics`; the JSON push goes to `<otlpUrl>?encoding=json`. */
  otlpUrl: string;
}

export function createRuntimeApp({ runtime, otlpUrl }: RuntimeAppOptions): Hono {
  const encoder = new TextEncoder();
  const lens = createLens({ engine: runtime });
  const engine = new Engine();
  instrument(engine, { lens, model: MODEL });
  let sequence = 0;
  // Made on the first push: Workers refuse timers (the readers' intervals) at module scope.
  let pushers: Pushers | undefined;

  const app = new Hono();
  app.use(inferlens({ lens }));
  app.get('/hello', (c) => c.text(`hello from ${runtime}`));

  // `n` SSE events `ms` apart, the first at once; each is one token of a simulated request that
  // ends with finish_reason "stop", or is aborted when the client cancels the body.
  app.get('/v1/completions', (c) => {
    const n = Number(c.req.query('n') ?? 5);
    const ms = Number(c.req.query('ms') ?? 100);
    const id = `r${++sequence}`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ended = false;
    const abort = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      engine.emit('aborted', { id, promptTokens: PROMPT_TOKENS });
    };
    // workerd never cancels the body of a client that left; it aborts this signal instead (with
    // `enable_request_signal`). Deno aborts it after a complete response too, hence `ended`.
    c.req.raw.signal?.addEventListener('abort', abort, { once: true });
    engine.emit('queued', { id });
    engine.emit('scheduled', { id });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let sent = 0;
        const tick = () => {
          engine.emit(sent === 0 ? 'firstToken' : 'tokens', { id, count: 1 });
          controller.enqueue(encoder.encode(`data: ${sent}\n\n`));
          sent += 1;
          if (sent < n) timer = setTimeout(tick, ms);
          else {
            ended = true;
            engine.emit('finished', { id, finishReason: 'stop', promptTokens: PROMPT_TOKENS });
            controller.close();
          }
        };
        tick();
      },
      cancel: abort,
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  });

  app.post('/otlp/flush', async (c) => {
    pushers ??= createPushers(lens, otlpUrl);
    try {
      await pushers.flush();
      return c.body(null, 204);
    } catch (error) {
      return c.text(`push failed: ${String(error)}`, 502);
    }
  });
  return app;
}

function createPushers(lens: ReturnType<typeof createLens>, url: string): Pushers {
  // An hour between exports: only /otlp/flush pushes, so what the receiver gets is one export each.
  const intervalMs = 3_600_000;
  const json = createOtlpReader(lens, { url: `${url}?encoding=json`, intervalMs });
  const protoReader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url }),
    exportIntervalMillis: intervalMs,
    metricProducers: [createMetricProducer(lens)],
  });
  const proto = new MeterProvider({ readers: [protoReader] });
  return {
    async flush() {
      await json.forceFlush();
      await proto.forceFlush();
    },
  };
}
