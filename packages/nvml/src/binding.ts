import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A GPU as the addon enumerated it when the NVML session opened. */
export interface NativeDevice {
  index: number;
  uuid: string;
  name: string;
  pciBusId: string;
  /** `/dev/nvidia<minor>`; -1 when NVML did not say. */
  minor: number;
}

/** One NVML call that returned an unexpected code (`slot` is the device's place in `devices`). */
export interface NativeFault {
  slot: number;
  call: string;
  code: number;
}

/** What the addon hands to JS after each sample (src/native/worker.cc, ToJs). */
export interface NativeSample {
  ok: boolean;
  durationNs: number;
  /** Failed samples: where it stopped, the NVML call and its return code. */
  stage?: 'load' | 'init' | 'count' | 'devices' | 'sample';
  call?: string;
  code?: number;
  message?: string;
  driverVersion?: string;
  nvmlVersion?: string;
  /** Set on the first sample of a new NVML session, with the devices it found. */
  generation?: number;
  devices?: NativeDevice[];
  skipped?: NativeFault[];
  errors?: NativeFault[];
  processStride?: number;
  /** devices × fields values in NVML units; NaN where the device did not report the field. */
  values?: Float64Array;
  /** (slot, pid, used bytes) triples. */
  processes?: Float64Array;
}

export interface NativeSamplerOptions {
  library: string;
  devices: string[];
  pcie: boolean;
  /** 0: none, 1: this process, 2: every process. */
  processes: 0 | 1 | 2;
  selfPid: number;
}

export interface NativeSampler {
  /** Asks the sampler thread for one sample; false while one is in flight. */
  request(): boolean;
  /** The NVML function the sampler thread is inside now, or null. */
  currentCall(): string | null;
  /** Nanoseconds the last delivery held the JS thread. */
  callbackNs(): number;
  close(): void;
}

export interface NativeBinding {
  Sampler: new (
    options: NativeSamplerOptions,
    onSample: (sample: NativeSample) => void,
  ) => NativeSampler;
  /** The per-device value layout of `NativeSample.values`. */
  fields: readonly string[];
  /** Hash of the native sources the binary was built from (scripts/source-hash.cjs). */
  sourceHash: string;
}

export type BindingResult =
  | { binding: NativeBinding }
  | { binding: null; reason: 'addon_unavailable' | 'unsupported_platform'; message: string };

/** The package root: `dist/` and `src/` both sit one level below it. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Loads the addon with node-gyp-build (build/Release first, then the bundled prebuild for this
 * platform). Anything that stops it, from a missing prebuild to a libc the binary cannot use, gives
 * the JS fallback, which reports NVML as unavailable (websockets/bufferutil does the same).
 */
export function loadBinding(
  dir: string = PACKAGE_ROOT,
  platform: string = process.platform,
): BindingResult {
  if (platform !== 'linux')
    return {
      binding: null,
      reason: 'unsupported_platform',
      message: `@inferlens/nvml samples NVML on Linux only; this is ${platform}`,
    };
  try {
    const load = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => unknown;
    const binding = load(dir) as NativeBinding;
    if (typeof binding?.Sampler !== 'function') throw new Error('the addon has no Sampler');
    return { binding };
  } catch (error) {
    return {
      binding: null,
      reason: 'addon_unavailable',
      message: `native addon not loaded: ${(error as Error)?.message ?? String(error)}`,
    };
  }
}
