import type { GaugeSeries, Lens } from '@inferlens/core/internal';
import type { NativeSample } from './binding.js';
import { removeSeries } from './devices.js';
import { codeName, type UnavailableReason } from './reasons.js';

/**
 * One GPU as the source last read it, in `status().devices`.
 *
 * @example
 * for (const d of gpus.status().devices) console.log(d.index, d.name);
 */
export interface GpuDeviceStatus {
  /** NVML index (not the CUDA index: CUDA orders devices fastest first unless told otherwise). */
  index: number;
  uuid: string;
  name: string;
  pciBusId: string;
}

/** What `GpuSource.status()` returns. */
export interface GpuStatus {
  /** True while the last sample read every selected GPU. */
  available: boolean;
  /** Why not, when `available` is false. */
  reason?: UnavailableReason;
  /** The NVML call and code, or the loader's message, behind `reason`. */
  message?: string;
  /** False when the JS fallback runs (no addon for this platform, or it failed to load). */
  native: boolean;
  devices: GpuDeviceStatus[];
  /** Devices NVML counted but would not open (e.g. NO_PERMISSION). */
  skipped: { index: number; error: string }[];
  driverVersion?: string;
  nvmlVersion?: string;
  /** `Date.now()` of the last successful sample. */
  lastSuccess?: number;
  /** Set while a sample has run past `stuckAfterMs`: the NVML call it is inside. */
  stuck?: { call: string | null; forMs: number };
  consecutiveFailures: number;
  samples: number;
  /** Single reads that returned an unexpected code; their fields were left out. */
  readErrors: number;
  /** Nanoseconds the last sample took on the sampler thread. */
  lastSampleNs?: number;
  /** Bytes between NVML process records on this driver (16, 24 or 32). */
  processStride?: number;
}

/** The source's availability: `inferlens_nvml_up{reason}`, the last-success gauge and status(). */
export class GpuState {
  readonly #lens: Lens;
  #up: GaugeSeries | undefined;
  #lastSuccessGauge: GaugeSeries | undefined;
  #s: Omit<GpuStatus, 'stuck'> = {
    available: false,
    native: false,
    devices: [],
    skipped: [],
    consecutiveFailures: 0,
    samples: 0,
    readErrors: 0,
  };
  closed = false;

  constructor(lens: Lens, native: boolean) {
    this.#lens = lens;
    this.#s.native = native;
  }

  get available(): boolean {
    return this.#s.available;
  }

  get reason(): UnavailableReason | undefined {
    return this.#s.reason;
  }

  get consecutiveFailures(): number {
    return this.#s.consecutiveFailures;
  }

  down(reason: UnavailableReason, message: string, failures = this.#s.consecutiveFailures): void {
    this.#s = {
      ...this.#s,
      available: false,
      reason,
      message,
      consecutiveFailures: failures,
    };
    if (reason !== 'stuck') this.#s.devices = [];
    this.#setUp(reason, 0);
  }

  /** A new NVML session: its devices, the ones it skipped and the driver's versions. */
  opened(sample: NativeSample): void {
    this.#s.devices = (sample.devices ?? []).map(({ index, uuid, name, pciBusId }) => ({
      index,
      uuid,
      name,
      pciBusId,
    }));
    this.#s.skipped = (sample.skipped ?? []).map((f) => ({
      index: f.slot,
      error: codeName(f.code),
    }));
    this.#s.driverVersion = sample.driverVersion;
    this.#s.nvmlVersion = sample.nvmlVersion;
  }

  sampled(sample: NativeSample): void {
    const s = this.#s;
    s.available = true;
    s.reason = undefined;
    s.message = undefined;
    s.consecutiveFailures = 0;
    s.samples++;
    s.readErrors += sample.errors?.length ?? 0;
    s.lastSampleNs = sample.durationNs;
    s.processStride = sample.processStride;
    s.lastSuccess = Date.now();
    this.#setUp('', 1);
    this.#lastSuccessGauge ??= this.#lens.series('nvmlLastSuccess');
    this.#lastSuccessGauge.set(s.lastSuccess / 1000);
  }

  close(): void {
    this.closed = true;
    this.#s = { ...this.#s, available: false, reason: 'closed', message: 'close() was called' };
    if (this.#up) removeSeries(this.#lens, 'nvmlUp', this.#up);
    if (this.#lastSuccessGauge) removeSeries(this.#lens, 'nvmlLastSuccess', this.#lastSuccessGauge);
    this.#up = this.#lastSuccessGauge = undefined;
  }

  snapshot(inFlightMs: number, call: string | null | undefined): GpuStatus {
    const status: GpuStatus = { ...this.#s, devices: [...this.#s.devices] };
    if (this.#s.reason === 'stuck') status.stuck = { call: call ?? null, forMs: inFlightMs };
    return status;
  }

  #setUp(reason: UnavailableReason | '', value: 0 | 1): void {
    if (this.closed) return;
    if (this.#up !== undefined && this.#up.labelValues[0] !== reason) {
      removeSeries(this.#lens, 'nvmlUp', this.#up);
      this.#up = undefined;
    }
    this.#up ??= this.#lens.series('nvmlUp', { reason });
    this.#up.set(value);
  }
}
