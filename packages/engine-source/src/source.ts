import type { Lens, MetricId } from '@inferlens/core';
import { setupError } from '@inferlens/core/internal';
import type { MirroredSeries, MirrorSource } from './snapshot.js';
import {
  checkTargetLabels,
  namedTargets,
  type SourceSettings,
  sourceSettings,
} from './source-setup.js';
import { type EngineAdapter, type SourceError, Target, type TargetStatus } from './target.js';

/**
 * One engine server to scrape: its URL, and the model and labels of its series.
 *
 * @example
 * const target: TargetOptions = { url: 'http://10.0.0.5:8000', model: 'llama-3-8b' };
 */
export interface TargetOptions {
  /** Base URL of the engine's HTTP server, e.g. `http://10.0.0.5:8000`. */
  url: string;
  /** The `target` label (default: the URL's host:port). */
  name?: string;
  /** Model name for this target's series, overriding what the engine reports. */
  model?: string;
  /** Extra request headers (e.g. an Authorization header in front of the engine). */
  headers?: Record<string, string>;
  /**
   * Labels added to this target's mirrored series (e.g. file_sd `labels`), after `target`; names
   * must be Prometheus label names not starting with `__`; a label the series already has wins.
   */
  labels?: Record<string, string>;
}

/**
 * Options of a source (`createVllmSource`, `createTgiSource`, …): the lens, the targets, and the
 * limits of each scrape.
 *
 * @example
 * createVllmSource({ lens, targets: [{ url: 'http://10.0.0.5:8000' }], timeoutMs: 2000 });
 */
export interface EngineSourceOptions {
  lens: Lens;
  /** Base URLs or target options; one per engine replica. */
  targets: readonly (string | TargetOptions)[];
  /** Scrape every `intervalMs` on a timer. Without it, targets are scraped at collection time. */
  intervalMs?: number;
  /** Scrape when the lens collects (default: true when `intervalMs` is not set). */
  scrapeOnCollect?: boolean;
  /** At collection, reuse data younger than this instead of scraping again (default 1000 ms). */
  minIntervalMs?: number;
  /** Whole-scrape deadline per target (default 5000 ms). */
  timeoutMs?: number;
  /** Largest body accepted (default 4 MiB); a bigger one is dropped as soon as it passes this. */
  maxBytes?: number;
  /** Mirrored series kept per target (default 10,000). */
  maxSeries?: number;
  /** How long the last good data of a failing target is still shown (default 5 min). */
  staleAfterMs?: number;
  /**
   * Refuse a whole scrape for one line that does not parse, as Prometheus does (default false:
   * the line is skipped, counted in `inferlens_source_series_dropped_total` and `status().dropped`).
   */
  strict?: boolean;
  /**
   * The diagnostic channel, never rethrown: called for every failed scrape, and for every scrape
   * that worked but filled no standard row (`reason: 'no_standard_series'`, the target stays up).
   */
  onError?: (e: SourceError) => void;
}

/**
 * A set of scraped engine targets. It is attached to the lens's store as a mirror, so its data
 * shows under the standard names in every way out that reads the store: `lens.scrape()`, the
 * prom-client bridge, the OpenTelemetry producer. Attach it to another store with
 * `store.addMirror(source)`.
 */
export interface EngineSource extends MirrorSource {
  readonly engine: string;
  /** The targets' series under metric `id` now, stale data included until `staleAfterMs`. */
  mirrored(id: MetricId): readonly MirroredSeries[] | undefined;
  /** Scrapes every target now (joining scrapes already running). Never rejects. */
  refresh(): Promise<void>;
  /** Health and freshness of every target. */
  status(): TargetStatus[];
  /** Stops the timer and removes the source's series from the lens. */
  close(): void;
}

/**
 * Builds a source over any engine adapter; `createVllmSource` and `createTgiSource` are this with
 * their adapters. Bad options throw here, prefixed with the adapter's package name.
 *
 * @example
 * const lens = createLens({ engine: 'llamacpp' });
 * createEngineSource(llamacppAdapter, { lens, targets: ['http://127.0.0.1:8080'] });
 * const { body } = await lens.scrape(); // scrapes the target, shows its series under llm_* names
 */
export function createEngineSource(
  adapter: EngineAdapter,
  options: EngineSourceOptions,
): EngineSource {
  const fail = (msg: string): never => setupError(adapter.packageName, msg);
  const o = options ?? fail('options are required: { lens, targets }');
  const settings = sourceSettings(o, fail);
  const targets = namedTargets(o.targets, fail).map((t) => {
    checkTargetLabels(t, fail);
    const { name, base, spec } = t;
    const ctx = { name, url: base, model: spec.model, labels: spec.labels };
    return new Target(adapter, o.lens, { ...settings.target, headers: spec.headers }, ctx);
  });
  const refresh = async (): Promise<void> => {
    await Promise.all(targets.map((t) => t.scrape()));
  };
  const mirrored = mirrorOf(targets);
  const detach = o.lens.store.addMirror({ mirrored });
  const stop = schedule(o, settings, targets, refresh);
  return {
    engine: adapter.engine,
    mirrored,
    refresh,
    status: () => targets.map((t) => ({ ...t.status, dropped: { ...t.status.dropped } })),
    close() {
      stop();
      detach();
      removeSourceSeries(o.lens, adapter.engine, targets);
    },
  };
}

/** The targets' series under one metric id, stale data expired first. */
function mirrorOf(targets: readonly Target[]): EngineSource['mirrored'] {
  return (id) => {
    const wall = Date.now();
    let first: readonly MirroredSeries[] | undefined;
    let merged: MirroredSeries[] | undefined;
    for (const t of targets) {
      t.expire(wall);
      const list = t.snapshot?.byId.get(id);
      if (!list?.length) continue;
      // One target (the common case) hands out its own list; only several are copied together.
      if (first === undefined) first = list;
      else (merged ??= [...first]).push(...list);
    }
    return merged ?? first;
  };
}

/**
 * Scrapes when the lens is collected (targets scraped less than `minIntervalMs` ago are skipped)
 * and/or on a timer; returns what stops both.
 */
function schedule(
  o: EngineSourceOptions,
  settings: SourceSettings,
  targets: readonly Target[],
  refresh: () => Promise<void>,
): () => void {
  const { intervalMs, minIntervalMs } = settings;
  const removeHook =
    (o.scrapeOnCollect ?? intervalMs === undefined)
      ? o.lens.onCollect(() => {
          const due = performance.now() - minIntervalMs;
          const stale = targets.filter((t) => t.finishedAt <= due);
          return Promise.all(stale.map((t) => t.scrape())).then(() => {});
        })
      : undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (intervalMs !== undefined) {
    timer = setInterval(() => void refresh(), intervalMs);
    // Never keep the process alive just to scrape (unref exists on Node and Bun timers).
    (timer as { unref?: () => void }).unref?.();
    void refresh();
  }
  return () => {
    if (timer !== undefined) clearInterval(timer);
    removeHook?.();
  };
}

/** The rows a source writes about its own targets (up, durations, errors, drops). */
const SOURCE_ROWS = [
  'sourceUp',
  'sourceScrapeDuration',
  'sourceLastSuccess',
  'sourceStale',
  'sourceScrapeErrors',
  'sourceStandardSeries',
  'sourceSeriesDropped',
] as const;

/** Removes the source's own series of these targets from the lens. */
function removeSourceSeries(lens: Lens, engine: string, targets: readonly Target[]): void {
  const ours = new Set(targets.map((t) => t.ctx.name));
  // Label values of these rows start with engine, target (schema order).
  for (const id of SOURCE_ROWS)
    lens.store.family(id).remove((v) => v[0] === engine && ours.has(v[1]!));
}
