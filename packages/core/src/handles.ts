import type { CounterSeries, GaugeSeries, HistogramSeries } from './series.js';
import type { Family, Store } from './store.js';

/**
 * Every series one model's requests touch, resolved once per (model, engine). A request tracker
 * holds a reference to this bundle, so its hot path never looks anything up.
 */
export class ModelHandles {
  readonly model: string;
  readonly engine: string;
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

  constructor(store: Store, model: string, engine: string) {
    this.#store = store;
    this.model = model;
    this.engine = engine;
    const v = [model, engine];
    this.timeToFirstToken = store.family('timeToFirstToken').series(v);
    this.interTokenLatency = store.family('interTokenLatency').series(v);
    this.timePerOutputToken = store.family('timePerOutputToken').series(v);
    this.e2eRequestLatency = store.family('e2eRequestLatency').series(v);
    this.requestQueueTime = store.family('requestQueueTime').series(v);
    this.requestPrefillTime = store.family('requestPrefillTime').series(v);
    this.requestDecodeTime = store.family('requestDecodeTime').series(v);
    this.requestInferenceTime = store.family('requestInferenceTime').series(v);
    this.requestPromptTokens = store.family('requestPromptTokens').series(v);
    this.requestGenerationTokens = store.family('requestGenerationTokens').series(v);
    this.promptTokens = store.family('promptTokens').series(v);
    this.generationTokens = store.family('generationTokens').series(v);
    this.preemptions = store.family('preemptions').series(v);
    this.requestsRunning = store.family('requestsRunning').series(v);
    this.requestsWaiting = store.family('requestsWaiting').series(v);
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

  #own<
    Id extends
      | 'promptTokensCached'
      | 'prefixCacheQueries'
      | 'prefixCacheHits'
      | 'kvCacheUsage'
      | 'iterationTokens'
      | 'batchSize',
  >(id: Id): ReturnType<Family<Id>['series']> {
    return this.#store.family(id).series([this.model, this.engine]);
  }

  /** `llm_requests_total{finish_reason}`; one small map lookup per finished request. */
  finished(reason: string): CounterSeries {
    reason = this.#store.labelValue(reason);
    return cached(this.#finished, reason, () =>
      this.#store.family('requests').series([this.model, this.engine, reason]),
    );
  }

  /** `llm_request_errors_total{error_type}`. */
  errors(errorType: string): CounterSeries {
    errorType = this.#store.labelValue(errorType);
    return cached(this.#errors, errorType, () =>
      this.#store.family('requestErrors').series([this.model, this.engine, errorType]),
    );
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
