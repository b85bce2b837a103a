import type { GaugeSeries, Lens } from '@inferlens/core/internal';
import type { NativeDevice } from './binding.js';
import { removeSeries } from './devices.js';

/**
 * `gpu_process_memory_bytes{gpu,uuid,pid}` for the processes of the last sample. A process that
 * ended loses its series at the next sample, so the family never holds more than what runs now.
 */
export class ProcessSeries {
  readonly #lens: Lens;
  #current = new Map<string, GaugeSeries>();

  constructor(lens: Lens) {
    this.#lens = lens;
  }

  /** `triples`: (device slot, pid, used bytes or NaN) as the addon sends them. */
  apply(triples: Float64Array, devices: readonly NativeDevice[]): void {
    const next = new Map<string, GaugeSeries>();
    for (let i = 0; i + 2 < triples.length; i += 3) {
      const device = devices[triples[i]!];
      const pid = triples[i + 1]!;
      const bytes = triples[i + 2]!;
      // NVML_VALUE_NOT_AVAILABLE (Windows WDDM): the process is there, its memory is unknown.
      if (device === undefined || Number.isNaN(bytes)) continue;
      const key = `${device.index}:${pid}`;
      let series = this.#current.get(key);
      if (series === undefined)
        series = this.#lens.series('gpuProcessMemory', {
          gpu: String(device.index),
          uuid: device.uuid,
          pid: String(pid),
        });
      else this.#current.delete(key);
      series.set(bytes);
      next.set(key, series);
    }
    this.clear();
    this.#current = next;
  }

  /** Removes every process series. */
  clear(): void {
    for (const series of this.#current.values())
      removeSeries(this.#lens, 'gpuProcessMemory', series);
    this.#current.clear();
  }
}
