import type { CounterSeries, GaugeSeries, Lens } from '@inferlens/core';
import { parse } from '@inferlens/prom-parse';
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
  /** Adapter-owned state that lives as long as the target (TGI keeps `/info` here). */
  readonly data: Record<string, unknown>;
  /** GETs a path of the target under the source's time and size limits. */
  fetch(path: string): Promise<FetchOutcome>;
}

/** The engine-specific part of a source: how to read one scrape into standard series. */
export interface EngineAdapter {
  /** Value of the `engine` label (`vllm`, `tgi`). */
  readonly engine: string;
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

export interface TargetStatus {
  target: string;
  url: string;
  up: boolean;
  stale: boolean;
  /** Unix milliseconds of the last successful scrape; undefined before the first. */
  lastSuccess: number | undefined;
  lastDurationMs: number | undefined;
  lastError: { reason: ScrapeErrorReason; message: string } | undefined;
  /** Mirrored series shown for this target now. */
  series: number;
}

export interface TargetSettings extends FetchLimits {
  maxSeries: number;
  staleAfterMs: number;
  onError:
    | ((e: { engine: string; target: string; reason: ScrapeErrorReason; message: string }) => void)
    | undefined;
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
    this.status = {
      target: ctx.name,
      url: ctx.url,
      up: false,
      stale: false,
      lastSuccess: undefined,
      lastDurationMs: undefined,
      lastError: undefined,
      series: 0,
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
    const parsed = parse(text, { maxErrors: 1 });
    if (contentType.includes('openmetrics') && !parsed.eof)
      return { reason: 'truncated', message: 'OpenMetrics body without # EOF' };
    if (parsed.errorCount > 0) {
      const e = parsed.errors[0]!;
      return {
        reason: 'malformed',
        message: `${parsed.errorCount} bad line(s), first at line ${e.line}: ${e.message}`,
      };
    }
    const s = this.#settings;
    const out = new SnapshotBuilder(this.#adapter.engine, this.ctx.name, s.maxSeries);
    try {
      this.#adapter.normalize(new SampleIndex(parsed), this.ctx, out, wall);
    } catch (error) {
      return { reason: 'malformed', message: `could not read the metrics: ${messageOf(error)}` };
    }
    this.snapshot = out.build();
    const st = this.status;
    st.up = true;
    st.stale = false;
    st.lastSuccess = wall;
    st.lastError = undefined;
    st.series = this.snapshot.size;
    this.#up.set(1);
    this.#stale.set(0);
    this.#lastSuccessGauge ??= this.#lens.series('sourceLastSuccess', {
      engine: this.#adapter.engine,
      target: this.ctx.name,
    });
    this.#lastSuccessGauge.set(wall / 1000);
    return undefined;
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
    try {
      this.#settings.onError?.({ engine: this.#adapter.engine, target: this.ctx.name, ...failure });
    } catch {
      // A diagnostic callback that throws must not break scraping.
    }
  }
}
