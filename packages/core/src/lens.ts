import { fail } from './errors.js';
import {
  CONTENT_TYPES,
  type ExpositionFormat,
  negotiate,
  type RenderOptions,
  render,
} from './exposition.js';
import { renderStream, type StreamOptions } from './exposition-stream.js';
import { ModelHandles } from './handles.js';
import type { ExtraLabels } from './labels.js';
import { type LLM_LABELS, type MetricId, metricIds, type Schema, schema } from './schema/index.js';
import type { CounterSeries } from './series.js';
import { type Family, Store, type StoreOptions } from './store.js';
import {
  DROP_REASONS,
  type DropReason,
  MAX_SKEW_MS,
  RequestTracker,
  type TrackerContext,
} from './tracker.js';

declare const performance: { now(): number };
declare function setInterval(fn: () => void, ms: number): unknown;
declare function clearInterval(handle: unknown): void;

/**
 * Options of {@link createLens}; only `engine` is required. Bad values throw at setup, naming the
 * option (`[@inferlens/core] requestTimeoutMs: …`).
 *
 * @example
 * const lens = createLens({ engine: 'vllm', constLabels: { region: 'eu' }, seriesLimit: { default: 500 } });
 */
export interface LensOptions extends StoreOptions {
  /** Value of the `engine` label: `vllm`, `tgi`, or your engine's name. */
  engine: string;
  /** Requests with no activity for this long are ended and counted as expired (default 10 min). */
  requestTimeoutMs?: number;
  /** Live requests kept at most; past it the oldest are expired (default 100,000). */
  maxActiveRequests?: number;
  /**
   * Attach trace ids to TTFT and end-to-end observations as OpenMetrics exemplars (default off,
   * and free when off). `true` takes `request({ traceId })`; `{ traceId }` also reads the current
   * trace when a request gives none (`traceIdFromActiveSpan` of `@inferlens/otel`).
   */
  exemplars?: boolean | { traceId: () => string | undefined };
}

/** The extra label names `X` (a lens's `extraLabels`) declares for metric `Id`. */
export type ExtraLabelsOf<X, Id extends MetricId> = Id extends keyof X
  ? X[Id] extends readonly (infer L extends string)[]
    ? L
    : never
  : never;

/**
 * Label names a metric accepts in {@link Lens.series}: its row's labels, and the extra labels the
 * lens was created with (`Extra`). Labels added later with `Family.addLabels` are accepted at
 * run time; TypeScript does not know them.
 */
export type LabelsOf<Id extends MetricId, Extra extends string = never> = Partial<
  Record<
    | (Schema[Id]['scope'] extends 'llm'
        ? (typeof LLM_LABELS)[number] | Schema[Id]['labels'][number]
        : Schema[Id]['labels'][number])
    | Extra,
    string
  >
>;

/** What {@link Lens.request} takes. */
export interface RequestOptions {
  model: string;
  /** The `engine` label, when it differs from the lens's. */
  engine?: string;
  /** Arrival, in lens-clock milliseconds (default now). */
  time?: number;
  /** This request's values of extra labels declared for LLM rows (`extraLabels`). */
  labels?: Readonly<Record<string, string>>;
  /** The request's trace id, kept as an exemplar when the lens records them (`exemplars`). */
  traceId?: string;
}

export interface ScrapeResult {
  contentType: string;
  body: string;
}

/** What {@link Lens.scrapeStream} returns: the body as UTF-8 chunks, rendered as they are read. */
export interface ScrapeStream {
  contentType: string;
  body: AsyncIterable<Uint8Array>;
}

type CollectHook = () => void | Promise<void>;

const MAX_CACHED_MODELS = 2000;

/** Rows whose first label is `model_name`. */
const LLM_IDS = metricIds.filter((id) => schema[id].scope === 'llm');

/**
 * One lens owns one store: every metric of the schema, bounded, recorded through handles.
 *
 * @example
 * const lens = createLens({ engine: 'my-engine', constLabels: { worker_id: 'w1' } });
 * const r = lens.request({ model: 'llama-3-8b' });
 * r.queued(); r.started(); r.tokens(1); r.finish({ promptTokens: 12 });
 * const { contentType, body } = await lens.scrape(req.headers.accept);
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is the "no extra labels" default of the type parameter
export class Lens<X extends ExtraLabels = {}> {
  readonly store: Store;
  readonly engine: string;
  readonly requestTimeoutMs: number;
  readonly #ctx: TrackerContext;
  readonly #models = new Map<string, ModelHandles>();
  readonly #drops: Record<DropReason, CounterSeries>;
  readonly #hooks = new Set<CollectHook>();
  readonly #maxActive: number;
  readonly #exemplars: boolean;
  readonly #traceIdOf: (() => string | undefined) | undefined;
  /** Extra label names declared on any LLM row: what `request({ labels })` accepts. */
  readonly #llmExtra: readonly string[];
  #sweeper: unknown;
  #closed = false;

  constructor(options: LensOptions) {
    if (!options || typeof options.engine !== 'string' || options.engine === '')
      fail('createLens: `engine` is required (e.g. "vllm", "tgi" or your engine’s name)');
    const timeout = options.requestTimeoutMs ?? 600_000;
    if (!(timeout > 0)) fail('requestTimeoutMs: must be a positive number of milliseconds');
    const maxActive = options.maxActiveRequests ?? 100_000;
    if (!Number.isInteger(maxActive) || maxActive < 1)
      fail('maxActiveRequests: must be a positive integer');
    this.store = new Store(options);
    this.engine = options.engine;
    this.requestTimeoutMs = timeout;
    this.#maxActive = maxActive;
    const ex = options.exemplars ?? false;
    if (
      typeof ex !== 'boolean' &&
      (ex === null || typeof ex !== 'object' || typeof ex.traceId !== 'function')
    )
      fail('exemplars: give true, false, or { traceId: () => string | undefined }');
    this.#exemplars = ex !== false;
    this.#traceIdOf = typeof ex === 'object' ? ex.traceId : undefined;
    const extra = new Set<string>();
    for (const id of LLM_IDS) for (const n of this.store.family(id).extraLabelNames) extra.add(n);
    this.#llmExtra = [...extra];
    const dropped = this.store.family('eventsDropped');
    this.#drops = Object.fromEntries(DROP_REASONS.map((r) => [r, dropped.series([r])])) as Record<
      DropReason,
      CounterSeries
    >;
    const drops = this.#drops;
    const clock = options.clock;
    const ctx = {
      seen: clock === undefined ? performance.now() : clock(),
      // The default reads performance.now() with no function between: the two clock reads are
      // most of what recording an HTTP request costs (bench `recording`).
      now:
        clock === undefined
          ? (): number => (ctx.seen = performance.now())
          : (): number => (ctx.seen = clock()),
      active: new Set<RequestTracker>(),
      drop: (reason: DropReason) => {
        drops[reason].value++;
      },
    };
    this.#ctx = ctx;
  }

  /** Milliseconds on the lens clock; pass it to tracker calls to read the clock once per step. */
  now(): number {
    return this.#ctx.now();
  }

  /**
   * Starts tracking one request; arrival is now (or `time`). Resolves the model's series once per
   * model (and per set of `labels`), then the tracker records without lookups.
   *
   * `labels` gives this request's values of extra labels declared for LLM rows with
   * `createLens({ extraLabels })`: a LoRA adapter, a tenant, a model version. Each row takes the
   * ones declared for it. Values are bounded like every label (length, and the row's series
   * limit); a name no LLM row declares is counted as `invalid_event` and left out.
   *
   * @example
   * const lens = createLens({ engine: 'vllm', extraLabels: { requests: ['lora'], timeToFirstToken: ['lora'] } });
   * const r = lens.request({ model: 'llama-3-8b', labels: { lora: 'sql-adapter' } });
   */
  request(options: RequestOptions): RequestTracker {
    let model: unknown;
    let engine: unknown;
    let time: unknown;
    let labels: unknown;
    let traceId: unknown;
    try {
      model = options?.model;
      engine = options?.engine;
      time = options?.time;
      labels = options?.labels;
      if (this.#exemplars) traceId = options?.traceId ?? this.#traceIdOf?.();
    } catch {
      this.drop('invalid_event');
    }
    const handles = this.handles(
      model as string | undefined,
      engine as string | undefined,
      labels as RequestOptions['labels'],
    );
    // One clock read per request keeps `seen` fresh even for engines that pass every time.
    const now = this.#ctx.now();
    let t = now;
    if (time !== undefined) {
      if (typeof time === 'number' && time - now < MAX_SKEW_MS && now - time < MAX_SKEW_MS)
        t = time;
      else this.drop('invalid_value');
    }
    if (this.#ctx.active.size >= this.#maxActive) this.#evictOldest();
    if (this.#sweeper === undefined && !this.#closed) this.#startSweeper();
    return new RequestTracker(
      this.#ctx,
      handles,
      t,
      typeof traceId === 'string' && traceId !== '' ? traceId : undefined,
    );
  }

  /**
   * The series bundle of one model (and per-request `labels`, as in {@link request}); stats
   * sources use it to set gauges without lookups.
   */
  handles(
    model: string | undefined,
    engine?: string,
    labels?: Readonly<Record<string, string>>,
  ): ModelHandles {
    // Cut before keying the cache, so a huge model name costs one short key (maxLabelValueBytes).
    const store = this.store;
    const m = typeof model === 'string' && model !== '' ? store.labelValue(model) : 'unknown';
    const e = typeof engine === 'string' && engine !== '' ? store.labelValue(engine) : this.engine;
    let key = e === this.engine ? m : `${m}\u0001${e}`;
    const extra = labels === undefined ? undefined : this.#requestLabels(labels);
    if (extra !== undefined)
      key += `\u0002${this.#llmExtra.map((n) => extra[n] ?? '').join('\u0001')}`;
    let h = this.#models.get(key);
    if (h === undefined) {
      h = new ModelHandles(this.store, m, e, extra);
      if (this.#models.size < MAX_CACHED_MODELS) this.#models.set(key, h);
    }
    return h;
  }

  /** Per-request label values: declared names only, each bounded; undefined when none is given. */
  #requestLabels(labels: unknown): Record<string, string> | undefined {
    if (labels === null || typeof labels !== 'object') {
      this.drop('invalid_event');
      return undefined;
    }
    let out: Record<string, string> | undefined;
    try {
      for (const [name, value] of Object.entries(labels)) {
        if (!this.#llmExtra.includes(name)) {
          this.drop('invalid_event');
          continue;
        }
        const v = this.store.labelValue(value);
        if (v !== '') (out ??= {})[name] = v;
      }
    } catch {
      this.drop('invalid_event');
    }
    return out;
  }

  /**
   * A series handle of any metric, for values the request tracker does not cover. Keep the
   * handle; resolving is the only step that hashes. `engine` defaults to the lens's engine.
   *
   * @example
   * lens.series('modelLoadTime', { model_name: 'llama-3-8b' }).set(41.7);
   */
  series<Id extends MetricId>(
    id: Id,
    labels: LabelsOf<Id, ExtraLabelsOf<X, Id>> = {},
  ): ReturnType<Family<Id>['series']> {
    const family = this.store.family(id);
    if (!family) fail(`series: unknown metric id "${String(id)}"`);
    const names = family.ownLabelNames;
    const given = labels as Record<string, string | undefined>;
    for (const k of Object.keys(given))
      if (!names.includes(k))
        fail(`series("${id}"): unknown label "${k}"; it has ${names.join(', ')}`);
    const values = names.map((n) =>
      n === 'engine' ? (given.engine ?? this.engine) : (given[n] ?? ''),
    );
    return family.series(values) as ReturnType<Family<Id>['series']>;
  }

  /** Counts an event or call skipped as invalid (for sources and adapters built on the lens). */
  drop(reason: DropReason): void {
    this.#drops[reason].value++;
  }

  /**
   * Runs `hook` before every collection, to set gauges from live state.
   * Returns a function that removes it. A hook that throws is counted, never rethrown.
   */
  onCollect(hook: CollectHook): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  /** Runs the collect hooks and expires idle requests. Exposition calls this for you. */
  async collect(): Promise<void> {
    this.expireIdle();
    const pending: Promise<void>[] = [];
    for (const hook of this.#hooks) {
      try {
        const r = hook();
        if (r && typeof (r as Promise<void>).then === 'function')
          pending.push((r as Promise<void>).catch(() => this.drop('listener_error')));
      } catch {
        this.drop('listener_error');
      }
    }
    if (pending.length) await Promise.all(pending);
  }

  /** Renders what is recorded now, without running collect hooks. */
  render(format: ExpositionFormat = 'prometheus', options?: RenderOptions): string {
    return render(this.store, format, options);
  }

  /**
   * Collects, then renders in the format the `Accept` header asks for; `options.prefix` puts a
   * prefix before metric names (check it at setup with `isMetricPrefix`: a bad one throws).
   *
   * @example
   * const { contentType, body } = await lens.scrape(req.headers.accept, { prefix: 'gw_' });
   */
  async scrape(accept?: string | null, options?: RenderOptions): Promise<ScrapeResult> {
    await this.collect();
    const format = negotiate(accept);
    return { contentType: CONTENT_TYPES[format], body: render(this.store, format, options) };
  }

  /**
   * As {@link scrape}, with the body as UTF-8 chunks rendered in slices of about `sliceMs`
   * (default 1 ms) with an event-loop turn between them, so a scrape of many series never stalls
   * the token streams in flight; the same bytes as `scrape()`. Rendering stops when
   * `options.signal` aborts or the consumer stops reading.
   *
   * @example
   * const { contentType, body } = await lens.scrapeStream(req.headers.accept);
   * for await (const chunk of body) res.write(chunk);
   */
  async scrapeStream(accept?: string | null, options?: StreamOptions): Promise<ScrapeStream> {
    await this.collect();
    const format = negotiate(accept);
    return { contentType: CONTENT_TYPES[format], body: renderStream(this.store, format, options) };
  }

  /**
   * The model names the lens's own LLM series carry (`model_name`), each once, sorted; series
   * folded into overflow or removed are not counted, nor engine series mirrored by a source. For
   * `/status` pages: it reads the store, so a model unloaded with `family.remove()` drops out.
   *
   * @example
   * lens.request({ model: 'llama-3-8b' });
   * lens.models(); // ['llama-3-8b']
   */
  models(): string[] {
    const seen = new Set<string>();
    for (const id of LLM_IDS)
      for (const s of this.store.family(id).all())
        if (!s.overflow && s.labelValues[0]) seen.add(s.labelValues[0]);
    return [...seen].sort();
  }

  /** Ends requests idle for longer than `requestTimeoutMs`, so in-flight gauges stay true. */
  expireIdle(now: number = this.#ctx.now()): number {
    const limit = now - this.requestTimeoutMs;
    let expired = 0;
    for (const t of this.#ctx.active) {
      if (t.lastActivity <= limit) {
        t.discard('expired');
        expired++;
      }
    }
    return expired;
  }

  /** Stops the expiry timer. Recording keeps working; idle requests then expire at collection. */
  close(): void {
    this.#closed = true;
    this.#stopSweeper();
  }

  /** Live requests (not yet ended). */
  get activeRequests(): number {
    return this.#ctx.active.size;
  }

  #evictOldest(): void {
    for (const t of this.#ctx.active) {
      t.discard('expired');
      return;
    }
  }

  #stopSweeper(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #startSweeper(): void {
    const every = Math.min(Math.max(this.requestTimeoutMs / 4, 1000), 60_000);
    const handle = setInterval(() => {
      this.expireIdle();
      // Idle: no timer until the next request.
      if (this.#ctx.active.size === 0) this.#stopSweeper();
    }, every);
    // Never keep the process alive for a sweep (unref exists on Node and Bun timers).
    (handle as { unref?: () => void }).unref?.();
    this.#sweeper = handle;
  }
}

/**
 * Creates a {@link Lens}. Bad options throw here, at setup, with a message naming the option.
 *
 * @example
 * const lens = createLens({ engine: 'vllm', extraLabels: { httpRequests: ['tenant'] } });
 * lens.series('httpRequests', { method: 'GET', route: '/', tenant: 'acme' }).inc();
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is the "no extra labels" default of the type parameter
export function createLens<const X extends ExtraLabels = {}>(
  options: LensOptions & { extraLabels?: X },
): Lens<X> {
  return new Lens<X>(options);
}
