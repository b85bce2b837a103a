import type { CounterSeries, GaugeSeries, Lens, MetricId } from '@inferlens/core/internal';
import type { NativeDevice } from './binding.js';
import type { RowSpec } from './rows.js';

type Handle = GaugeSeries | CounterSeries;

/** A schema row as a device reports it: the field's place in a sample, and DCGM or base labels. */
export interface DeviceRow {
  readonly spec: RowSpec;
  readonly offset: number;
  readonly dcgm: boolean;
}
type Resolve = (id: MetricId, labels: Record<string, string>) => Handle;

/** A row bound to one device: where its value sits in a sample, and its labels. */
interface Slot {
  readonly spec: RowSpec;
  /** Index of the field in the addon's per-device layout. */
  readonly offset: number;
  readonly labels: Record<string, string>;
  series: Handle | undefined;
}

/**
 * The series of one GPU for one NVML session. A series is created the first time its field has a
 * value and removed when the field stops reporting one, so an unsupported field never shows, not
 * even as 0. Label sets are resolved once; a sample is a loop of plain stores.
 */
export class DeviceSeries {
  readonly #lens: Lens;
  readonly #slots: Slot[] = [];

  constructor(lens: Lens, device: NativeDevice, rows: readonly DeviceRow[], hostname: string) {
    this.#lens = lens;
    const base = { gpu: String(device.index), uuid: device.uuid, name: device.name };
    // dcgm-exporter's label template (internal/pkg/rendermetrics/render_metrics.go).
    const dcgm = {
      gpu: base.gpu,
      UUID: device.uuid,
      pci_bus_id: device.pciBusId,
      device: device.minor >= 0 ? `nvidia${device.minor}` : '',
      modelName: device.name,
      Hostname: hostname,
    };
    for (const { spec, offset, dcgm: isDcgm } of rows)
      this.#slots.push({
        spec,
        offset,
        labels: isDcgm ? dcgm : { ...base, ...spec.labels },
        series: undefined,
      });
  }

  /** Writes this device's values, read from `values` starting at `start`. */
  apply(values: Float64Array, start: number): void {
    for (const slot of this.#slots) {
      const raw = values[start + slot.offset]!;
      if (!Number.isNaN(raw)) {
        slot.series ??= (this.#lens.series as unknown as Resolve)(slot.spec.id, slot.labels);
        slot.series.value = slot.spec.convert(raw);
      } else if (slot.series !== undefined) {
        removeSeries(this.#lens, slot.spec.id, slot.series);
        slot.series = undefined;
      }
    }
  }

  /** Removes every series of this device (GPU gone, session over, source closed). */
  remove(): void {
    for (const slot of this.#slots) {
      if (slot.series !== undefined) removeSeries(this.#lens, slot.spec.id, slot.series);
      slot.series = undefined;
    }
  }
}

/** Drops one series from its family, so it stops appearing in the exposition. */
export function removeSeries(lens: Lens, id: MetricId, series: Handle): void {
  const values = series.labelValues;
  lens.store.family(id).remove((v) => v === values);
}
