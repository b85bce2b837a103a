import { fail } from './errors.js';
import type { Lens } from './lens.js';
import type { FinishInfo, PromptUsage, RequestTracker } from './tracker.js';

export type RequestId = string | number;

/**
 * The events an engine emits for `instrument()`. Times are optional milliseconds on the lens clock
 * (`lens.now()`); without one the event is stamped on arrival.
 */
export interface EngineEvents {
  /** A request arrived and waits for the scheduler. The first event of every request. */
  queued: {
    id: RequestId;
    model?: string;
    time?: number;
    /** Values of extra labels declared for LLM rows (see `lens.request({ labels })`). */
    labels?: Readonly<Record<string, string>>;
    /** The request's trace id, for exemplars (see `createLens({ exemplars })`). */
    traceId?: string;
  };
  /** The scheduler put the request in the running batch (again, after a preemption). */
  scheduled: { id: RequestId; time?: number };
  /** The first output; `tokens` defaults to 1. */
  firstToken: { id: RequestId; tokens?: number; time?: number };
  /** A later output carrying `count` tokens (default 1). */
  tokens: { id: RequestId; count?: number; time?: number };
  finished: { id: RequestId; time?: number } & FinishInfo;
  /** `promptTokens` / `cachedTokens`: what the engine had processed before the failure. */
  failed: { id: RequestId; errorType?: string; time?: number } & PromptUsage;
  /** `promptTokens` / `cachedTokens`: what the engine had processed before the abort. */
  aborted: { id: RequestId; time?: number } & PromptUsage;
  preempted: { id: RequestId; time?: number };
  /** Periodic scheduler state: one engine step, or a sample of it. */
  stats: SchedulerStats;
}

export interface SchedulerStats {
  /** Which model the stats are for (default: `instrument`'s `model` option). */
  model?: string;
  /** Fraction of KV-cache blocks in use, 0–1. */
  kvCacheUsage?: number;
  /** Prefix-cache lookups since the last stats event, in tokens. */
  prefixCacheQueries?: number;
  /** Prefix-cache hits since the last stats event, in tokens. */
  prefixCacheHits?: number;
  /** Tokens processed in one engine step. */
  iterationTokens?: number;
  /** Sequences in one engine step. */
  batchSize?: number;
}

export type EngineEventName = keyof EngineEvents;

type Listener = (payload: unknown) => void;

/** Anything with `on` and `off`/`removeListener`: Node's EventEmitter, eventemitter3, … */
export interface EventSource {
  on(event: string, listener: Listener): unknown;
  off?(event: string, listener: Listener): unknown;
  removeListener?(event: string, listener: Listener): unknown;
}

/**
 * What {@link instrument} needs: the lens to record into, and how to read the engine's events.
 *
 * @example
 * instrument(engine, { lens, model: 'llama-3-8b', eventNames: { tokens: 'token' } });
 */
export interface InstrumentOptions {
  lens: Lens;
  /** Model for events that carry none (default `unknown`). */
  model?: string;
  /** Engine event names, where they differ from {@link EngineEvents}' keys. */
  eventNames?: Partial<Record<EngineEventName, string>>;
}

/**
 * What {@link instrument} returns: the requests in flight, and `stop()` to detach.
 *
 * @example
 * const inst = instrument(engine, { lens });
 * process.on('SIGTERM', () => inst.stop());
 */
export interface Instrumentation {
  /** Requests seen and not yet ended. */
  readonly inFlight: number;
  /** Removes the listeners; requests still in flight are ended and counted as `stopped`. */
  stop(): void;
}

/** Every event `instrument()` listens to, in lifecycle order. */
export const ENGINE_EVENTS: readonly EngineEventName[] = [
  'queued',
  'scheduled',
  'firstToken',
  'tokens',
  'finished',
  'failed',
  'aborted',
  'preempted',
  'stats',
];

/**
 * Listens to an engine's lifecycle events and records the standard metric set. Events for unknown
 * ids, duplicates, events out of order and malformed payloads are counted in
 * `inferlens_events_dropped_total{reason}` and skipped; requests that never end expire after the
 * lens's `requestTimeoutMs`. No listener ever throws into the engine.
 *
 * @example
 * const lens = createLens({ engine: 'my-engine' });
 * const handle = instrument(engine, { lens, model: 'llama-3-8b' });
 * engine.emit('queued', { id: 'r1' });
 * // … later
 * handle.stop();
 */
export function instrument(engine: EventSource, options: InstrumentOptions): Instrumentation {
  if (!engine || typeof engine.on !== 'function')
    fail('instrument: the engine must have an on(event, listener) method (an EventEmitter)');
  const lens = options?.lens;
  if (!lens || typeof lens.request !== 'function')
    fail('instrument: pass { lens } from createLens()');
  const names = options.eventNames ?? {};
  for (const k of Object.keys(names))
    if (!ENGINE_EVENTS.includes(k as EngineEventName))
      fail(`instrument: eventNames has unknown event "${k}"; known: ${ENGINE_EVENTS.join(', ')}`);
  const live = new Map<RequestId, RequestTracker>();
  const attached = attach(engine, lens, names, handlersFor(lens, live, options.model));

  let stopped = false;
  return {
    get inFlight() {
      return live.size;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const [name, fn] of attached) {
        if (typeof engine.off === 'function') engine.off(name, fn);
        else engine.removeListener?.(name, fn);
      }
      for (const t of [...live.values()]) t.discard('stopped');
      live.clear();
    },
  };
}

/** The listener of each engine event, reading and writing the live requests by id. */
function handlersFor(
  lens: Lens,
  live: Map<RequestId, RequestTracker>,
  defaultModel: string | undefined,
): Record<EngineEventName, Listener> {
  const tracked = (p: unknown): RequestTracker | undefined => {
    const id = idOf(p);
    if (id === undefined) return void lens.drop('invalid_event');
    const t = live.get(id);
    if (t === undefined) lens.drop('unknown_id');
    return t;
  };
  return {
    queued: (p) => {
      const id = idOf(p);
      if (id === undefined) return lens.drop('invalid_event');
      if (live.has(id)) return lens.drop('duplicate');
      const e = p as EngineEvents['queued'];
      const t = lens.request({
        model: e.model ?? defaultModel ?? 'unknown',
        time: e.time,
        labels: e.labels,
        traceId: e.traceId,
      });
      t.onEnd = () => live.delete(id);
      live.set(id, t);
      t.queued(e.time);
    },
    scheduled: (p) => tracked(p)?.started((p as EngineEvents['scheduled']).time),
    firstToken: (p) => {
      const e = p as EngineEvents['firstToken'];
      tracked(p)?.firstToken(e.tokens ?? 1, e.time);
    },
    tokens: (p) => {
      const e = p as EngineEvents['tokens'];
      tracked(p)?.tokens(e.count ?? 1, e.time);
    },
    // Ending a tracker runs its onEnd, which forgets the id.
    finished: (p) => {
      const e = p as EngineEvents['finished'];
      tracked(p)?.finish(e, e.time);
    },
    failed: (p) => {
      const e = p as EngineEvents['failed'];
      tracked(p)?.fail(e.errorType, e.time, e);
    },
    aborted: (p) => {
      const e = p as EngineEvents['aborted'];
      tracked(p)?.abort(e.time, e);
    },
    preempted: (p) => tracked(p)?.preempted((p as EngineEvents['preempted']).time),
    stats: (p) => {
      if (p === null || typeof p !== 'object') return lens.drop('invalid_event');
      recordStats(lens, p as SchedulerStats, defaultModel);
    },
  };
}

/** Adds a listener per event under the engine's names; each catches what its handler throws. */
function attach(
  engine: EventSource,
  lens: Lens,
  names: Partial<Record<EngineEventName, string>>,
  handlers: Record<EngineEventName, Listener>,
): [string, Listener][] {
  const attached: [string, Listener][] = [];
  for (const event of ENGINE_EVENTS) {
    const handler = handlers[event];
    // A listener must never throw into the engine's emit().
    const safe: Listener = (payload) => {
      try {
        handler(payload);
      } catch {
        lens.drop('listener_error');
      }
    };
    const name = names[event] ?? event;
    engine.on(name, safe);
    attached.push([name, safe]);
  }
  return attached;
}

function idOf(p: unknown): RequestId | undefined {
  if (p === null || typeof p !== 'object') return undefined;
  const id = (p as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : undefined;
}

/** Scheduler stats go straight to the model's gauge, counters and histograms. */
export function recordStats(lens: Lens, s: SchedulerStats, defaultModel?: string): void {
  let model: unknown;
  let kv: unknown;
  let queries: unknown;
  let hits: unknown;
  let iteration: unknown;
  let batch: unknown;
  try {
    ({
      model,
      kvCacheUsage: kv,
      prefixCacheQueries: queries,
      prefixCacheHits: hits,
      iterationTokens: iteration,
      batchSize: batch,
    } = s);
  } catch {
    // Not an object, or a getter that throws: nothing of it is recorded.
    return lens.drop('invalid_event');
  }
  const h = lens.handles(typeof model === 'string' ? model : (defaultModel ?? 'unknown'));
  // The series check each value (a non-negative number; a gauge's finite one) and count the rest.
  if (kv !== undefined) {
    if (typeof kv === 'number' && kv >= 0 && kv <= 1) h.kvCacheUsage.set(kv);
    else lens.drop('invalid_value');
  }
  if (queries !== undefined) h.prefixCacheQueries.inc(queries as number);
  if (hits !== undefined) h.prefixCacheHits.inc(hits as number);
  if (iteration !== undefined) h.iterationTokens.observe(iteration as number);
  if (batch !== undefined) h.batchSize.observe(batch as number);
}
