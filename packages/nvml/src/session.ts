import type { GaugeSeries, Lens } from '@inferlens/core/internal';
import type { NativeDevice, NativeSample } from './binding.js';
import { type DeviceRow, DeviceSeries, removeSeries } from './devices.js';
import { ProcessSeries } from './processes.js';
import { DCGM_ROWS, DEVICE_ROWS } from './rows.js';

/**
 * The series of one NVML session: each device's rows, per-process memory and the driver info. A
 * session starts with the sample that carries a new `generation` (the addon opened NVML again, so
 * devices may have changed) and ends when a sample fails or the source closes.
 */
export class SessionSeries {
  readonly #lens: Lens;
  readonly #hostname: string;
  readonly #fieldCount: number;
  readonly #layout: readonly DeviceRow[];
  readonly #processes: ProcessSeries | undefined;
  #devices: DeviceSeries[] = [];
  #deviceInfo: readonly NativeDevice[] = [];
  #driverInfo: GaugeSeries | undefined;

  constructor(
    lens: Lens,
    fields: readonly string[],
    options: { dcgmCompat: boolean; processes: 0 | 1 | 2; hostname: string },
  ) {
    this.#lens = lens;
    this.#hostname = options.hostname;
    this.#fieldCount = fields.length;
    const rows = [
      ...DEVICE_ROWS.map((spec) => ({ spec, dcgm: false })),
      ...(options.dcgmCompat ? DCGM_ROWS.map((spec) => ({ spec, dcgm: true })) : []),
    ];
    // A field an older binary lacks is simply never reported.
    this.#layout = rows
      .map((r) => ({ ...r, offset: fields.indexOf(r.spec.field) }))
      .filter((r) => r.offset >= 0);
    this.#processes = options.processes === 0 ? undefined : new ProcessSeries(lens);
  }

  /** Stores one successful sample, opening a new session first when the sample starts one. */
  apply(sample: NativeSample): void {
    if (sample.generation !== undefined) this.#open(sample);
    const values = sample.values!;
    for (let i = 0; i < this.#devices.length; i++)
      this.#devices[i]!.apply(values, i * this.#fieldCount);
    this.#processes?.apply(sample.processes!, this.#deviceInfo);
  }

  /** Drops the sampled values but keeps the session (a call is stuck; it may yet return). */
  dropValues(): void {
    for (const d of this.#devices) d.remove();
    this.#processes?.clear();
  }

  /** Ends the session: every series it made goes. */
  clear(): void {
    this.dropValues();
    this.#devices = [];
    this.#deviceInfo = [];
    if (this.#driverInfo) removeSeries(this.#lens, 'gpuDriverInfo', this.#driverInfo);
    this.#driverInfo = undefined;
  }

  #open(sample: NativeSample): void {
    this.clear();
    this.#deviceInfo = sample.devices ?? [];
    this.#devices = this.#deviceInfo.map(
      (d) => new DeviceSeries(this.#lens, d, this.#layout, this.#hostname),
    );
    this.#driverInfo = this.#lens.series('gpuDriverInfo', {
      driver_version: sample.driverVersion ?? '',
      nvml_version: sample.nvmlVersion ?? '',
    });
    this.#driverInfo.set(1);
  }
}
