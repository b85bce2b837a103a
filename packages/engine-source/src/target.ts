import type { CounterSeries, GaugeSeries, Lens } from '@inferlens/core/internal';
import { parse } from '@inferlens/prom-parse';
import { addDrop, DROP_REASONS, type DropReason, type Drops } from './drops.js';
import {
  type FetchLimits,
  type FetchOutcome,
  fetchText,
  messageOf,
  type ScrapeErrorReason,
} from './fetch.js';
import { SampleIndex } from './samples.js';
import { type Snapshot, SnapshotBuilder } from './snapshot.js';

/** What an adapter sees of one target. */
export interface TargetContext {
  /** The `target` label value. */
  readonly name: string;
  /** Base URL without a trailing slash. */
  readonly url: string;
  /** The model name configured for this target, if any (overrides what the engine says). */
  readonly model: string | undefined;
  /** Extra labels of this target's mirrored series (discovery labels), after `target`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Adapter-owned state that lives as long as the target (TGI keeps `/info` here). */
  readonly data: Record<string, unknown>;
  /** GETs a path of the target under the source's time and size limits. */
  fetch(path: string): Promise<FetchOutcome>;
}

/** The engine-specific part of a source: how to read one scrape into standard series. */
export interface EngineAdapter {
  /** Value of the `engine` label (`vllm`, `tgi`). */
  readonly engine: string;
  /** Sample-name prefixes only this engine writes (`vllm:`): how auto mode tells engines apart. */
  readonly metricPrefixes?: readonly string[];
  /**
   * An endpoint only this engine answers this way, for auto mode when `/metrics` cannot tell
   * (TGI's `/info`, llama.cpp's `/props`): `test` says whether the JSON is this engine's, `model`
   * reads the served model from it.
   */
  readonly probe?: {
    readonly path: string;
    test(json: unknown): boolean;
    model?(json: unknown): string | undefined;
  };
  /** Package name for setup errors (`@inferlens/vllm`). */
  readonly packageName: string;
  /** Runs before each `/metrics` fetch (TGI refreshes `/info`); failures must not throw. */
  prepare?(target: TargetContext): Promise<void>;
  normalize(
    samples: SampleIndex,
    target: TargetContext,
    out: SnapshotBuilder,
    wallMs: number,
  ): void;
}

/** A failed scrape's reason, or a scrape that worked but filled no standard row. */
export type SourceErrorReason = ScrapeErrorReason | 'no_standard_series' | 'unknown_engine';

/** What `onError` receives: the diagnostic channel of a source. */
export interface SourceError {
  engine: string;
  target: string;
  reason: SourceErrorReason;
  message: string;
}

/**
 * One target's health as the source last saw it: up, stale, last error, series mirrored.
 *
 * @example
 * for (const t of source.status()) if (!t.up) console.warn(t.target, t.lastError?.reason);
 */
export interface TargetStatus {
  target: string;
  url: string;
  /** The `engine` label of this target's series (`unknown` when auto mode could not tell). */
  engine: string;
  up: boolean;
  stale: boolean;
  /** Unix milliseconds of the last successful scrape; undefined before the first. */
  lastSuccess: number | undefined;
  lastDurationMs: number | undefined;
  lastError: { reason: ScrapeErrorReason; message: string } | undefined;
  /** Mirrored series shown for this target now. */
  series: number;
  /**
   * Series of standard rows in the last good scrape; 0 means the target answers but nothing it
   * exports maps to a standard row (see `problem`). Undefined before the first good scrape.
   */
  standardSeries: number | undefined;
  /** What the last good scrape skipped, by reason (bad lines, incomplete histograms, …). */
  dropped: Drops;
  /**
   * Set while the target is not useful though it may be up: its scrape filled no standard row, or
   * auto mode could not tell its engine.
   */
  problem: 'no_standard_series' | 'unknown_engine' | undefined;
}

export interface TargetSettings extends FetchLimits {
  maxSeries: number;
  staleAfterMs: number;
  /** Refuse a whole scrape for one bad line, as Prometheus does (default false: skip the line). */
  strict: boolean;
  onError: ((e: SourceError) => void) | undefined;
}

/** A sample line whose only fault is its value (llama.cpp's `-nan`): `name{labels} value [ts]`. */
const VALUE_ONLY = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?[ \t]+\S+([ \t]+\S+)?[ \t]*$/;

/** Skipped lines by reason: `bad_value` when the line has a sample's shape, else `bad_line`. */
function lineDrops(text: string, errors: readonly { line: number }[], count: number): Drops {
  const drops: Drops = {};
  if (count === 0) return drops;
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  for (const e of errors) {
    const from = starts[e.line - 1] ?? 0;
    const to = starts[e.line] ?? text.length + 1;
    const line = text.slice(from, to - 1);
    addDrop(drops, VALUE_ONLY.test(line) && !line.startsWith('#') ? 'bad_value' : 'bad_line');
  }
  addDrop(drops, 'bad_line', count - errors.length);
  return drops;
}

/** One scraped engine replica: its last good snapshot and its health gauges. */
export class Target {
  readonly ctx: TargetContext;
  snapshot: Snapshot | undefined;
  #inFlight: Promise<void> | undefined;
  #finishedAt = Number.NEGATIVE_INFINITY;
  readonly #adapter: EngineAdapter;
  readonly #lens: Lens;
  readonly #settings: TargetSettings;
  readonly #up: GaugeSeries;
  readonly #duration: GaugeSeries;
  readonly #stale: GaugeSeries;
  #lastSuccessGauge: GaugeSeries | undefined;
  readonly #errors = new Map<ScrapeErrorReason, CounterSeries>();
  readonly #drops = new Map<DropReason, CounterSeries>();
  readonly #standard: GaugeSeries;
  readonly status: TargetStatus;

  constructor(
    adapter: EngineAdapter,
    lens: Lens,
    settings: TargetSettings,
    ctx: Omit<TargetContext, 'fetch' | 'data'>,
  ) {
    this.#adapter = adapter;
    this.#lens = lens;
    this.#settings = settings;
    const headers = settings.headers;
    this.ctx = {
      ...ctx,
      data: {},
      fetch: (path) => fetchText(ctx.url + path, { ...settings, headers }),
    };
    const labels = { engine: adapter.engine, target: ctx.name };
    this.#up = lens.series('sourceUp', labels);
    this.#duration = lens.series('sourceScrapeDuration', labels);
    this.#stale = lens.series('sourceStale', labels);
    this.#standard = lens.series('sourceStandardSeries', labels);
    this.status = {
      target: ctx.name,
      url: ctx.url,
      engine: adapter.engine,
      up: false,
      stale: false,
      lastSuccess: undefined,
      lastDurationMs: undefined,
      lastError: undefined,
      series: 0,
      standardSeries: undefined,
      dropped: {},
      problem: undefined,
    };
  }

  /** Milliseconds (monotonic) when the last scrape ended. */
  get finishedAt(): number {
    return this.#finishedAt;
  }

  /** Scrapes now, or joins the scrape already running. Never rejects. */
  scrape(): Promise<void> {
    this.#inFlight ??= this.#run().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Forgets data older than `staleAfterMs`, so a dead replica stops showing frozen gauges. */
  expire(wallMs: number): void {
    const last = this.status.lastSuccess;
    if (this.snapshot && last !== undefined && wallMs - last > this.#settings.staleAfterMs) {
      this.snapshot = undefined;
      this.status.series = 0;
      this.status.stale = false;
      this.#stale.set(0);
    }
  }

  async #run(): Promise<void> {
    const t0 = performance.now();
    try {
      await this.#adapter.prepare?.(this.ctx);
    } catch {
      // An adapter's extra endpoint (/info) is optional; /metrics decides whether the target is up.
    }
    const res = await this.ctx.fetch('/metrics');
    const wall = Date.now();
    let failure: { reason: ScrapeErrorReason; message: string } | undefined;
    if (!res.ok) failure = res;
    else failure = this.#accept(res.text, res.contentType, wall);
    const ms = performance.now() - t0;
    this.#finishedAt = performance.now();
    this.#duration.set(ms / 1000);
    this.status.lastDurationMs = ms;
    if (failure) this.#fail(failure, wall);
  }

  #accept(
    text: string,
    contentType: string,
    wall: number,
  ): { reason: ScrapeErrorReason; message: string } | undefined {
    // A body cut off at a line boundary would parse cleanly; the text formats end every line with
    // \n and OpenMetrics ends with # EOF, which is how a truncated body shows.
    if (text !== '' && !text.endsWith('\n'))
      return { reason: 'truncated', message: 'the body does not end with a line feed' };
    const s = this.#settings;
    const parsed = parse(text, { maxErrors: s.strict ? 1 : 1000 });
    if (contentType.includes('openmetrics') && !parsed.eof)
      return { reason: 'truncated', message: 'OpenMetrics body without # EOF' };
    const anySample = parsed.families.some((f) => f.samples.length > 0);
    // Strict: one bad line refuses the scrape, as Prometheus does. Tolerant (the default): bad
    // lines are skipped and counted, unless nothing at all parsed (that is not a metrics body).
    if (parsed.errorCount > 0 && (s.strict || !anySample)) {
      const e = parsed.errors[0]!;
      return {
        reason: 'malformed',
        message: `${parsed.errorCount} bad line(s), first at line ${e.line}: ${e.message}`,
      };
    }
    const drops = lineDrops(text, parsed.errors, parsed.errorCount);
    const out = new SnapshotBuilder(
      this.#adapter.engine,
      this.ctx.name,
      s.maxSeries,
      this.ctx.labels,
    );
    const samples = new SampleIndex(parsed);
    try {
      this.#adapter.normalize(samples, this.ctx, out, wall);
    } catch (error) {
      return { reason: 'malformed', message: `could not read the metrics: ${messageOf(error)}` };
    }
    this.snapshot = out.build();
    for (const [r, n] of Object.entries(samples.drops)) addDrop(drops, r as DropReason, n);
    for (const [r, n] of Object.entries(this.snapshot.drops)) addDrop(drops, r as DropReason, n);
    const st = this.status;
    st.up = true;
    st.stale = false;
    st.lastSuccess = wall;
    st.lastError = undefined;
    st.series = this.snapshot.size;
    st.standardSeries = this.snapshot.standard;
    st.dropped = drops;
    st.problem = this.snapshot.standard === 0 ? 'no_standard_series' : undefined;
    this.#up.set(1);
    this.#stale.set(0);
    this.#standard.set(this.snapshot.standard);
    for (const r of DROP_REASONS) if (drops[r]) this.#dropCounter(r).inc(drops[r]);
    this.#lastSuccessGauge ??= this.#lens.series('sourceLastSuccess', {
      engine: this.#adapter.engine,
      target: this.ctx.name,
    });
    this.#lastSuccessGauge.set(wall / 1000);
    if (st.problem)
      this.#notify({
        reason: 'no_standard_series',
        message: `${this.#adapter.engine} source: the scrape parsed (${samples.size} sample names) but none maps to a standard row; is this a ${this.#adapter.engine} server with metrics enabled?`,
      });
    return undefined;
  }

  #dropCounter(reason: DropReason): CounterSeries {
    let c = this.#drops.get(reason);
    if (!c) {
      c = this.#lens.series('sourceSeriesDropped', {
        engine: this.#adapter.engine,
        target: this.ctx.name,
        reason,
      });
      this.#drops.set(reason, c);
    }
    return c;
  }

  #notify(e: { reason: SourceErrorReason; message: string }): void {
    try {
      this.#settings.onError?.({ engine: this.#adapter.engine, target: this.ctx.name, ...e });
    } catch {
      // A diagnostic callback that throws must not break scraping.
    }
  }

  #fail(failure: { reason: ScrapeErrorReason; message: string }, wall: number): void {
    const st = this.status;
    st.up = false;
    st.lastError = { reason: failure.reason, message: failure.message };
    this.#up.set(0);
    let c = this.#errors.get(failure.reason);
    if (!c) {
      c = this.#lens.series('sourceScrapeErrors', {
        engine: this.#adapter.engine,
        target: this.ctx.name,
        reason: failure.reason,
      });
      this.#errors.set(failure.reason, c);
    }
    c.inc();
    st.stale = this.snapshot !== undefined;
    this.#stale.set(st.stale ? 1 : 0);
    this.expire(wall);
    this.#notify(failure);
  }
}
