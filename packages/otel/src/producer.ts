import type { Lens, Series } from '@inferlens/core';
import { defaultResource, type Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  type MetricCollectOptions,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { fail } from './errors.js';
import { groupFamilies, type MetricGroup, toMetricData, type Vantage } from './metrics.js';
import { hrNow, PointBuilder, type Temporality } from './points.js';
import { VERSION } from './version.js';

/**
 * Options of {@link createMetricProducer}; the OTLP and Prometheus pipelines take them too.
 *
 * @example
 * createMetricProducer(lens, { operationName: 'text_completion', urlScheme: 'https', vantage: 'client' });
 */
export interface MetricProducerOptions {
  /** `gen_ai.operation.name` on every GenAI metric (Required by the semconv). Default `chat`. */
  operationName?: string;
  /**
   * `url.scheme` (Required by the semconv) on the `http.server.*` metrics of the HTTP middleware:
   * the scheme your server is reached by. A series with its own `scheme` label (an extra label,
   * for a server that listens on both) reports that instead. Default `http`.
   */
  urlScheme?: string;
  /**
   * Who measured the lens's own requests. `server` (an engine, a model server): TTFT, TPOT and
   * e2e are `gen_ai.server.*` and `gen_ai.response.model` repeats the served model. `client` (a
   * gateway, an app timing an SDK's stream with `timeStream`): e2e is
   * `gen_ai.client.operation.duration`, TTFT `gen_ai.client.operation.time_to_first_chunk`, ITL
   * `gen_ai.client.operation.time_per_output_chunk`; engine series mirrored into the lens stay
   * server metrics. Default `client` when the lens has the constant label `vantage` set to
   * `gateway` or `client` (as `examples/vllm-gateway` does), `server` otherwise.
   */
  vantage?: 'server' | 'client';
  /**
   * Resource reported when the producer is collected on its own. A MetricReader bound to a
   * MeterProvider reports the provider's resource instead. Default: `defaultResource()`.
   */
  resource?: Resource;
  /** Default `cumulative`. Delta keeps the last exported values, so give each reader its own producer. */
  temporality?: Temporality;
  /**
   * How long collect hooks may run when the reader sets no timeout of its own (exporter-prometheus
   * sets none). Default 10 000 ms; past it the values recorded so far are exported.
   */
  hookTimeoutMs?: number;
}

/**
 * A `MetricProducer` over one lens; pass it in `metricProducers` of any OTel `MetricReader`.
 *
 * @example
 * const producer: LensMetricProducer = createMetricProducer(lens);
 * const { resourceMetrics, errors } = await producer.collect();
 */
export interface LensMetricProducer extends MetricProducer {
  /** The lens whose store the producer reads at each collection. */
  readonly lens: Lens;
  /** The temporality of its counters and histograms, as the options set it. */
  readonly temporality: Temporality;
}

/**
 * Feeds a lens's store to OpenTelemetry: at each collection it runs the lens's collect hooks
 * (gauge callbacks, request expiry), then reads every metric with its GenAI semconv name, unit,
 * attributes and the exact bucket boundaries the store records with. Series that engine sources
 * mirror into the store (vLLM, TGI) are data points of the same metrics, histograms with the
 * engine's own bounds on each point. Nothing is recorded twice: the store stays the only place
 * values live.
 *
 * The lens is taken explicitly, never from a global, so there is no "meter taken before the SDK
 * registered" trap. `collect()` never throws: failures land in `CollectionResult.errors`.
 *
 * @example
 * import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
 * const reader = new PeriodicExportingMetricReader({
 *   exporter,
 *   metricProducers: [createMetricProducer(lens, { operationName: 'chat' })],
 * });
 * new MeterProvider({ readers: [reader] }); // a reader only collects once bound to a provider
 */
export function createMetricProducer(
  lens: Lens,
  options: MetricProducerOptions = {},
): LensMetricProducer {
  if (!lens || typeof lens.collect !== 'function' || typeof lens.store?.families !== 'function')
    fail('createMetricProducer: pass the Lens that createLens() returned');
  const operationName = options.operationName ?? 'chat';
  if (typeof operationName !== 'string' || operationName === '')
    fail('operationName: must be a non-empty string such as "chat" or "text_completion"');
  const urlScheme = options.urlScheme ?? 'http';
  if (typeof urlScheme !== 'string' || !/^[a-z][a-z0-9+.-]*$/i.test(urlScheme))
    fail(
      `urlScheme: must be a URI scheme such as "http" or "https", not ${JSON.stringify(urlScheme)}`,
    );
  const vantage = options.vantage ?? defaultVantage(lens);
  if (vantage !== 'server' && vantage !== 'client')
    fail(`vantage: must be "server" or "client", not ${JSON.stringify(vantage)}`);
  const temporality = options.temporality ?? 'cumulative';
  if (temporality !== 'cumulative' && temporality !== 'delta')
    fail(`temporality: must be "cumulative" or "delta", not ${JSON.stringify(temporality)}`);
  const hookTimeoutMs = options.hookTimeoutMs ?? 10_000;
  if (!(Number.isFinite(hookTimeoutMs) && hookTimeoutMs > 0))
    fail('hookTimeoutMs: must be a positive number of milliseconds');
  return new LensProducer(lens, {
    operationName,
    urlScheme,
    vantage,
    temporality,
    hookTimeoutMs,
    resource: options.resource ?? defaultResource(),
  });
}

/** The gateway example marks its own measurements `vantage="gateway"` (docs/monitoring.md). */
function defaultVantage(lens: Lens): Vantage {
  const mark = lens.store.constLabels.vantage;
  return mark === 'gateway' || mark === 'client' ? 'client' : 'server';
}

const SCOPE = { name: '@inferlens/otel', version: VERSION };

class LensProducer implements LensMetricProducer {
  readonly lens: Lens;
  readonly temporality: Temporality;
  readonly #resource: Resource;
  readonly #groups: MetricGroup[];
  readonly #points: PointBuilder;
  readonly #otelTemporality: AggregationTemporality;
  readonly #hookTimeoutMs: number;
  /** Series already counted as holding a bad value, so one bad series is counted once, not per export. */
  readonly #bad = new WeakSet<Series>();

  constructor(lens: Lens, settings: Required<MetricProducerOptions>) {
    const { temporality } = settings;
    this.lens = lens;
    this.temporality = temporality;
    this.#resource = settings.resource;
    this.#hookTimeoutMs = settings.hookTimeoutMs;
    this.#groups = groupFamilies(lens.store, settings);
    this.#points = new PointBuilder(temporality, hrNow(), () => lens.drop('invalid_value'));
    this.#otelTemporality =
      temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
  }

  async collect(options?: MetricCollectOptions): Promise<CollectionResult> {
    const errors: unknown[] = [];
    const readerTimeout = options?.timeoutMillis;
    await this.#runHooks(
      readerTimeout !== undefined && readerTimeout > 0 ? readerTimeout : this.#hookTimeoutMs,
      errors,
    );
    const metrics: MetricData[] = [];
    const skip = (series: Series): void => {
      if (this.#bad.has(series)) return;
      this.#bad.add(series);
      this.lens.drop('invalid_value');
    };
    this.#points.begin(hrNow());
    for (const group of this.#groups) {
      try {
        const metric = toMetricData(group, this.#points, this.#otelTemporality, skip);
        if (metric) metrics.push(metric);
      } catch (error) {
        errors.push(error);
      }
    }
    this.#points.end();
    return {
      resourceMetrics: { resource: this.#resource, scopeMetrics: [{ scope: SCOPE, metrics }] },
      errors,
    };
  }

  /**
   * Hooks that hang must not hold the export (or pile up one pending scrape after another): past
   * the timeout we export what we have.
   */
  async #runHooks(timeoutMillis: number, errors: unknown[]): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const hooks = this.lens.collect();
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(resolve, timeoutMillis, 'timeout');
        timer.unref?.();
      });
      if ((await Promise.race([hooks, timedOut])) === 'timeout')
        errors.push(
          new Error(
            `[@inferlens/otel] collect hooks did not finish within ${timeoutMillis} ms; exported the values recorded so far`,
          ),
        );
    } catch (error) {
      errors.push(error);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}
