import { hostname } from 'node:os';
import type { Lens } from '@inferlens/core';
import { setupError } from '@inferlens/core/internal';

/**
 * Environment variable naming the NVML library to open instead of `libnvidia-ml.so.1`; the
 * `library` option wins over it.
 *
 * @example
 * // INFERLENS_NVML_LIBRARY=/usr/lib64/nvidia/libnvidia-ml.so.1 node server.js
 * console.log(process.env[LIBRARY_ENV] ?? 'libnvidia-ml.so.1');
 */
export const LIBRARY_ENV = 'INFERLENS_NVML_LIBRARY';

/**
 * Options of {@link createGpuSource}; only `lens` is required. Bad values throw at setup, all at once.
 *
 * @example
 * const gpus = createGpuSource({ lens, intervalMs: 5000, processes: 'all' });
 */
export interface GpuSourceOptions {
  /** The lens whose store receives the GPU series. */
  lens: Lens;
  /** Milliseconds between samples (default 5000). NVML utilization covers 1/6 s to 1 s. */
  intervalMs?: number;
  /** NVML indexes or UUIDs (`GPU-…`) to sample; every GPU by default. */
  devices?: ReadonlyArray<number | string>;
  /** Per-process GPU memory: this process (default), every process, or none. */
  processes?: 'self' | 'all' | false;
  /** Also emit dcgm-exporter's DCGM_FI_* series, for Grafana dashboard 12239 (default false). */
  dcgmCompat?: boolean;
  /** PCIe throughput; each read blocks the sampler thread 20 ms per direction (default false). */
  pcie?: boolean;
  /** Library to open; default `$INFERLENS_NVML_LIBRARY`, else `libnvidia-ml.so.1`. */
  library?: string;
  /** A sample running this long is reported as stuck (default max(10 s, 2 × intervalMs)). */
  stuckAfterMs?: number;
  /** `Hostname` label of the DCGM series (default `os.hostname()`). */
  hostname?: string;
}

export interface ResolvedOptions {
  lens: Lens;
  intervalMs: number;
  stuckAfterMs: number;
  devices: string[];
  processes: 0 | 1 | 2;
  dcgmCompat: boolean;
  pcie: boolean;
  library: string;
  hostname: string;
}

/** Checks every option at once and throws one message listing what is wrong. */
export function resolveOptions(options: GpuSourceOptions): ResolvedOptions {
  const o = (options ?? {}) as Partial<GpuSourceOptions>;
  const bad: string[] = [];
  const lens = o.lens as Lens | undefined;
  if (typeof lens?.series !== 'function' || typeof lens?.onCollect !== 'function')
    bad.push('`lens` is required (createLens(...) from @inferlens/core)');
  const intervalMs = o.intervalMs ?? 5000;
  if (!(Number.isFinite(intervalMs) && intervalMs >= 10))
    bad.push('`intervalMs` must be a number of milliseconds ≥ 10');
  const stuckAfterMs = o.stuckAfterMs ?? Math.max(10_000, 2 * intervalMs);
  if (!(Number.isFinite(stuckAfterMs) && stuckAfterMs > 0))
    bad.push('`stuckAfterMs` must be a positive number of milliseconds');
  const devices = o.devices ?? [];
  if (
    !Array.isArray(devices) ||
    !devices.every(
      (d) => (Number.isInteger(d) && (d as number) >= 0) || (typeof d === 'string' && d !== ''),
    )
  )
    bad.push('`devices` must be an array of NVML indexes (integers ≥ 0) or UUIDs');
  const processes = o.processes ?? 'self';
  if (processes !== 'self' && processes !== 'all' && processes !== false)
    bad.push("`processes` must be 'self', 'all' or false");
  for (const key of ['dcgmCompat', 'pcie'] as const)
    if (o[key] !== undefined && typeof o[key] !== 'boolean')
      bad.push(`\`${key}\` must be a boolean`);
  const library = o.library ?? process.env[LIBRARY_ENV] ?? 'libnvidia-ml.so.1';
  if (typeof library !== 'string' || library === '')
    bad.push(`\`library\` (or $${LIBRARY_ENV}) must be a non-empty path or file name`);
  if (o.hostname !== undefined && typeof o.hostname !== 'string')
    bad.push('`hostname` must be a string');
  if (bad.length) setupError('nvml', `createGpuSource: ${bad.join('; ')}`);
  return {
    lens: lens!,
    intervalMs,
    stuckAfterMs,
    devices: (devices as (number | string)[]).map(String),
    processes: processes === 'all' ? 2 : processes === 'self' ? 1 : 0,
    dcgmCompat: o.dcgmCompat ?? false,
    pcie: o.pcie ?? false,
    library,
    hostname: o.hostname ?? hostname(),
  };
}
