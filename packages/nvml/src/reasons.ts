import type { NativeSample } from './binding.js';

/** Why the source is unavailable: the `reason` label of `inferlens_nvml_up`. */
export type UnavailableReason =
  | 'starting'
  | 'library_not_found'
  | 'driver_not_loaded'
  | 'no_permission'
  | 'no_gpu'
  | 'init_failed'
  | 'gpu_lost'
  | 'stuck'
  | 'sample_failed'
  | 'addon_unavailable'
  | 'unsupported_platform'
  | 'closed';

// nvmlReturn_t names (docs/nvml.md, "Return codes and error classes"), for messages.
const CODES: Readonly<Record<number, string>> = {
  1: 'UNINITIALIZED',
  2: 'INVALID_ARGUMENT',
  3: 'NOT_SUPPORTED',
  4: 'NO_PERMISSION',
  6: 'NOT_FOUND',
  7: 'INSUFFICIENT_SIZE',
  9: 'DRIVER_NOT_LOADED',
  10: 'TIMEOUT',
  12: 'LIBRARY_NOT_FOUND',
  13: 'FUNCTION_NOT_FOUND',
  15: 'GPU_IS_LOST',
  16: 'RESET_REQUIRED',
  17: 'OPERATING_SYSTEM',
  18: 'LIB_RM_VERSION_MISMATCH',
  25: 'ARGUMENT_VERSION_MISMATCH',
  26: 'DEPRECATED',
  28: 'GPU_NOT_FOUND',
  999: 'UNKNOWN',
};

/** `NVML_ERROR_GPU_IS_LOST (15)`, or the bare number for a code this table lacks. */
export function codeName(code: number): string {
  return code === 0 ? 'NVML_SUCCESS (0)' : `NVML_ERROR_${CODES[code] ?? 'CODE'} (${code})`;
}

/** Maps a failed sample to the reason the up gauge shows. */
export function reasonOf(sample: NativeSample): UnavailableReason {
  const code = sample.code ?? 0;
  switch (sample.stage) {
    case 'load':
      return code === 12 ? 'library_not_found' : 'init_failed';
    case 'init':
      if (code === 9 || code === 18) return 'driver_not_loaded';
      return code === 4 ? 'no_permission' : 'init_failed';
    case 'devices':
      return 'no_gpu';
    case 'sample':
      if (code === 15 || code === 28) return 'gpu_lost';
      return code === 9 ? 'driver_not_loaded' : 'sample_failed';
    default:
      return 'init_failed';
  }
}

/** A one-line account of a failed sample for status() and logs. */
export function describe(sample: NativeSample): string {
  const what = sample.call ? `${sample.call}: ` : '';
  const detail = sample.message ? ` ${sample.message}` : '';
  return `${what}${codeName(sample.code ?? 0)}${detail}`.trim();
}

/**
 * Delay before the next attempt after `failures` failed ones in a row: one interval, then doubling,
 * capped at a minute (or the interval, if that is longer), so a machine without a driver costs a
 * dlopen a minute and a recovered driver is picked up within one.
 */
export function retryDelay(failures: number, intervalMs: number): number {
  if (failures <= 0) return 0;
  const cap = Math.max(intervalMs, 60_000);
  return Math.min(intervalMs * 2 ** Math.min(failures - 1, 30), cap);
}
