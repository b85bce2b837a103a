import {
  type BindingResult,
  loadBinding,
  type NativeSample,
  type NativeSampler,
} from './binding.js';
import { type GpuSourceOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { describe, reasonOf, retryDelay } from './reasons.js';
import { SessionSeries } from './session.js';
import { GpuState, type GpuStatus } from './state.js';

/**
 * Samples NVIDIA GPUs into a lens. Every NVML call runs on the addon's own thread; the JS thread
 * only asks for a sample and stores the numbers that come back. Without NVML (no library, driver or
 * GPU, a lost GPU, a stuck driver call, no addon for this platform) the source reports
 * `available: false` with a reason, `inferlens_nvml_up{reason} 0`, no GPU series, and retries with
 * backoff; the app never notices.
 *
 * @example
 * const gpus = createGpuSource({ lens });
 * const first = await gpus.nextSample(); // the first reading, or why there is none
 * if (!first.available) console.warn(`no GPU metrics: ${first.reason} (${first.message})`);
 * process.on('SIGTERM', () => gpus.close());
 */
export class GpuSource {
  readonly #o: ResolvedOptions;
  readonly #sampler: NativeSampler | undefined;
  readonly #session: SessionSeries | undefined;
  readonly #state: GpuState;
  #inFlightSince: number | undefined;
  #nextAttemptAt = 0;
  #waiters: ((status: GpuStatus) => void)[] = [];
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  readonly #removeHook: () => void;

  constructor(options: ResolvedOptions, loaded: BindingResult) {
    this.#o = options;
    this.#state = new GpuState(options.lens, loaded.binding !== null);
    this.#removeHook = options.lens.onCollect(() => this.#checkStuck(performance.now()));
    if (loaded.binding === null) {
      this.#state.down(loaded.reason, loaded.message);
      return;
    }
    const { fields, Sampler } = loaded.binding;
    this.#session = new SessionSeries(options.lens, fields, options);
    this.#state.down('starting', 'waiting for the first sample');
    this.#sampler = new Sampler(
      {
        library: options.library,
        devices: options.devices,
        pcie: options.pcie,
        processes: options.processes,
        selfPid: process.pid,
      },
      (sample) => this.#onSample(sample),
    );
    // Never keep the process alive for a sample (the addon's delivery is unref'd as well).
    this.#timer = setInterval(() => this.#tick(), options.intervalMs);
    this.#timer.unref?.();
    this.#tick();
  }

  /** True while the last sample read every selected GPU. */
  get available(): boolean {
    return this.#state.available;
  }

  /** Availability, reason, devices and counters, for `/status` pages and logs. */
  status(): GpuStatus {
    return this.#state.snapshot(this.#stuckFor(performance.now()), this.#sampler?.currentCall());
  }

  /**
   * Resolves after the next sample attempt ends, or when it is declared stuck (at once when there
   * is nothing to wait for). While someone waits, the timer holds the process open, so a script
   * that awaits its first sample is not ended by an empty event loop.
   */
  nextSample(): Promise<GpuStatus> {
    if (this.#sampler === undefined || this.#state.closed) return Promise.resolve(this.status());
    this.#timer?.ref?.();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Takes a sample now rather than at the next tick; false while one is in flight or closed. */
  sampleNow(): boolean {
    if (this.#state.closed || this.#sampler === undefined || this.#inFlightSince !== undefined)
      return false;
    if (!this.#sampler.request()) return false;
    this.#inFlightSince = performance.now();
    return true;
  }

  /** Nanoseconds the last sample held the JS thread (building its result and storing it). */
  lastCallbackNs(): number {
    return this.#sampler?.callbackNs() ?? 0;
  }

  /** Stops sampling and removes every series of this source. A stuck call is left behind. */
  close(): void {
    if (this.#state.closed) return;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#removeHook();
    this.#sampler?.close();
    this.#session?.clear();
    this.#state.close();
    this.#settle();
  }

  #tick(): void {
    const now = performance.now();
    if (this.#inFlightSince !== undefined) this.#checkStuck(now);
    else if (now >= this.#nextAttemptAt) this.sampleNow();
  }

  #stuckFor(now: number): number {
    return this.#inFlightSince === undefined ? 0 : now - this.#inFlightSince;
  }

  #checkStuck(now: number): void {
    const forMs = this.#stuckFor(now);
    if (forMs < this.#o.stuckAfterMs || this.#state.reason === 'stuck' || this.#state.closed)
      return;
    // Values that stopped updating are worse than none: drop them until the call returns.
    this.#session?.dropValues();
    const call = this.#sampler?.currentCall() ?? 'an NVML call';
    this.#state.down('stuck', `${call} has not returned for ${Math.round(forMs)} ms`);
    this.#settle();
  }

  #onSample(sample: NativeSample): void {
    this.#inFlightSince = undefined;
    if (this.#state.closed) return;
    try {
      if (sample.ok) this.#applySample(sample);
      else this.#applyFailure(sample);
    } catch {
      // A bug here must not reach the host app; it shows as a dropped event.
      this.#o.lens.drop('listener_error');
    }
    this.#settle();
  }

  #applySample(sample: NativeSample): void {
    this.#session!.apply(sample);
    this.#nextAttemptAt = 0;
    if (sample.generation !== undefined) this.#state.opened(sample);
    this.#state.sampled(sample);
  }

  #applyFailure(sample: NativeSample): void {
    this.#session!.clear();
    const failures = this.#state.consecutiveFailures + 1;
    this.#nextAttemptAt = performance.now() + retryDelay(failures, this.#o.intervalMs);
    this.#state.down(reasonOf(sample), describe(sample), failures);
  }

  #settle(): void {
    if (this.#waiters.length === 0) return;
    this.#timer?.unref?.();
    const status = this.status();
    for (const resolve of this.#waiters.splice(0)) resolve(status);
  }
}

/** Creates a source with a given binding; createGpuSource passes the addon or the fallback. */
export function openGpuSource(options: GpuSourceOptions, loaded: BindingResult): GpuSource {
  return new GpuSource(resolveOptions(options), loaded);
}

let loaded: BindingResult | undefined;

/**
 * Samples every NVIDIA GPU (or `devices`) into `lens` every `intervalMs`, on a native thread.
 *
 * @example
 * import { createLens } from '@inferlens/core';
 * import { createGpuSource } from '@inferlens/nvml';
 *
 * const lens = createLens({ engine: 'my-engine' });
 * const gpus = createGpuSource({ lens, intervalMs: 5000, dcgmCompat: true });
 * // /metrics now has gpu_utilization_ratio{gpu="0",uuid="GPU-…",name="…"} and the rest,
 * // or inferlens_nvml_up{reason="no_gpu"} 0 on a machine without one.
 * console.log(gpus.status().available);
 */
export function createGpuSource(options: GpuSourceOptions): GpuSource {
  const resolved = resolveOptions(options);
  loaded ??= loadBinding();
  return new GpuSource(resolved, loaded);
}
