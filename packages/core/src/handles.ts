import type { MetricId } from './schema/index.js';
import type { CounterSeries, GaugeSeries, HistogramSeries } from './series.js';
import type { Family, Store } from './store.js';

/**
 * Every series one model's requests touch, resolved once per (model, engine). A request tracker
 * holds a reference to this bundle, so its hot path never looks anything up.
 */
export class ModelHandles {
  readonly model: string;
  readonly engine: string;
  /** The per-request extra label values of this bundle (`lens.request({ labels })`), if any. */
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly timeToFirstToken: HistogramSeries;
  readonly interTokenLatency: HistogramSeries;
  readonly timePerOutputToken: HistogramSeries;
  readonly e2eRequestLatency: HistogramSeries;
  readonly requestQueueTime: HistogramSeries;
  readonly requestPrefillTime: HistogramSeries;
  readonly requestDecodeTime: HistogramSeries;
  readonly requestInferenceTime: HistogramSeries;
  readonly requestPromptTokens: HistogramSeries;
  readonly requestGenerationTokens: HistogramSeries;
  readonly promptTokens: CounterSeries;
  readonly generationTokens: CounterSeries;
  readonly preemptions: CounterSeries;
  readonly requestsRunning: GaugeSeries;
  readonly requestsWaiting: GaugeSeries;
  readonly #store: Store;
  // Series only some engines report are created on first use, so a model whose engine never
  // reports KV usage shows no KV series rather than a false 0.
  #promptTokensCached: CounterSeries | undefined;
  #prefixCacheQueries: CounterSeries | undefined;
  #prefixCacheHits: CounterSeries | undefined;
  #kvCacheUsage: GaugeSeries | undefined;
  #iterationTokens: HistogramSeries | undefined;
  #batchSize: HistogramSeries | undefined;
  readonly #finished = new Map<string, CounterSeries>();
  readonly #errors = new Map<string, CounterSeries>();

  /**
   * `labels`: values of the extra labels declared for LLM rows (`createLens({ extraLabels })`), per
   * request: a LoRA adapter, a tenant. Each row takes the ones declared for it; the rest stay absent.
   */
  constructor(
    store: Store,
    model: string,
    engine: string,
    labels?: Readonly<Record<string, string>>,
  ) {
    this.#store = store;
    this.model = model;
    this.engine = engine;
    this.labels = labels;
    this.timeToFirstToken = this.#own('timeToFirstToken');
    this.interTokenLatency = this.#own('interTokenLatency');
    this.timePerOutputToken = this.#own('timePerOutputToken');
    this.e2eRequestLatency = this.#own('e2eRequestLatency');
    this.requestQueueTime = this.#own('requestQueueTime');
    this.requestPrefillTime = this.#own('requestPrefillTime');
    this.requestDecodeTime = this.#own('requestDecodeTime');
    this.requestInferenceTime = this.#own('requestInferenceTime');
    this.requestPromptTokens = this.#own('requestPromptTokens');
    this.requestGenerationTokens = this.#own('requestGenerationTokens');
    this.promptTokens = this.#own('promptTokens');
    this.generationTokens = this.#own('generationTokens');
    this.preemptions = this.#own('preemptions');
    this.requestsRunning = this.#own('requestsRunning');
    this.requestsWaiting = this.#own('requestsWaiting');
  }

  get promptTokensCached(): CounterSeries {
    return (this.#promptTokensCached ??= this.#own('promptTokensCached'));
  }
  get prefixCacheQueries(): CounterSeries {
    return (this.#prefixCacheQueries ??= this.#own('prefixCacheQueries'));
  }
  get prefixCacheHits(): CounterSeries {
    return (this.#prefixCacheHits ??= this.#own('prefixCacheHits'));
  }
  get kvCacheUsage(): GaugeSeries {
    return (this.#kvCacheUsage ??= this.#own('kvCacheUsage'));
  }
  get iterationTokens(): HistogramSeries {
    return (this.#iterationTokens ??= this.#own('iterationTokens'));
  }
  get batchSize(): HistogramSeries {
    return (this.#batchSize ??= this.#own('batchSize'));
  }

  /** The series of an LLM row for this bundle: model, engine, the row's own values, the extras. */
  #own<Id extends MetricId>(id: Id, ...row: string[]): ReturnType<Family<Id>['series']> {
    const family = this.#store.family(id);
    const values = [this.model, this.engine, ...row];
    const labels = this.labels;
    if (labels !== undefined) for (const n of family.extraLabelNames) values.push(labels[n] ?? '');
    return family.series(values);
  }

  /** `llm_requests_total{finish_reason}`; one small map lookup per finished request. */
  finished(reason: string): CounterSeries {
    reason = this.#store.labelValue(reason);
    return cached(this.#finished, reason, () => this.#own('requests', reason));
  }

  /** `llm_request_errors_total{error_type}`. */
  errors(errorType: string): CounterSeries {
    errorType = this.#store.labelValue(errorType);
    return cached(this.#errors, errorType, () => this.#own('requestErrors', errorType));
  }
}

/** Finish reasons and error types come from the engine; the cache stops growing at a small size
 * so a misbehaving engine cannot grow it (the family's own series limit bounds the store). */
const CACHE_LIMIT = 64;

function cached(
  map: Map<string, CounterSeries>,
  key: string,
  make: () => CounterSeries,
): CounterSeries {
  const s = map.get(key);
  if (s !== undefined) return s;
  const created = make();
  if (map.size < CACHE_LIMIT) map.set(key, created);
  return created;
}
