import type { MetricId } from '@inferlens/core';

/** How one native field (in NVML's unit) becomes one schema row (in the row's unit). */
export interface RowSpec {
  /** Name in the addon's `fields` list. */
  readonly field: string;
  readonly id: MetricId;
  readonly convert: (v: number) => number;
  /** Extra label values of the row (PCIe direction). */
  readonly labels?: Readonly<Record<string, string>>;
}

const same = (v: number): number => v;
const fromPercent = (v: number): number => v / 100;
const fromMilli = (v: number): number => v / 1000;
const fromMega = (v: number): number => v * 1e6;
// NVML says "KB/s" for PCIe throughput; read as KiB, as for the memory sizes nvidia-smi prints.
const fromKiB = (v: number): number => v * 1024;
// dcgm-exporter divides bytes by 2^20 in integer arithmetic.
const toMiB = (v: number): number => Math.floor(v / 1048576);

/** Base-unit rows, labelled gpu, uuid, name (docs/nvml.md, "Names other exporters use"). */
export const DEVICE_ROWS: readonly RowSpec[] = [
  { field: 'utilGpu', id: 'gpuUtilization', convert: fromPercent },
  { field: 'utilMemory', id: 'gpuMemoryUtilization', convert: fromPercent },
  { field: 'memUsed', id: 'gpuMemoryUsed', convert: same },
  { field: 'memFree', id: 'gpuMemoryFree', convert: same },
  { field: 'memTotal', id: 'gpuMemoryTotal', convert: same },
  { field: 'memReserved', id: 'gpuMemoryReserved', convert: same },
  { field: 'powerMw', id: 'gpuPowerDraw', convert: fromMilli },
  { field: 'powerLimitMw', id: 'gpuPowerLimit', convert: fromMilli },
  { field: 'temperatureC', id: 'gpuTemperature', convert: same },
  { field: 'smClockMhz', id: 'gpuSmClock', convert: fromMega },
  { field: 'memClockMhz', id: 'gpuMemoryClock', convert: fromMega },
  { field: 'energyMj', id: 'gpuEnergy', convert: fromMilli },
  { field: 'fanPercent', id: 'gpuFanSpeed', convert: fromPercent },
  { field: 'pcieTxKBs', id: 'gpuPcieThroughput', convert: fromKiB, labels: { direction: 'tx' } },
  { field: 'pcieRxKBs', id: 'gpuPcieThroughput', convert: fromKiB, labels: { direction: 'rx' } },
  { field: 'migMode', id: 'gpuMigMode', convert: same },
];

/** dcgm-exporter's series in its units (W, MiB, MHz, %, °C, mJ), for existing dashboards. */
export const DCGM_ROWS: readonly RowSpec[] = [
  { field: 'temperatureC', id: 'dcgmGpuTemp', convert: same },
  { field: 'powerMw', id: 'dcgmPowerUsage', convert: fromMilli },
  { field: 'smClockMhz', id: 'dcgmSmClock', convert: same },
  { field: 'memClockMhz', id: 'dcgmMemClock', convert: same },
  { field: 'utilGpu', id: 'dcgmGpuUtil', convert: same },
  { field: 'utilMemory', id: 'dcgmMemCopyUtil', convert: same },
  { field: 'memUsed', id: 'dcgmFbUsed', convert: toMiB },
  { field: 'memFree', id: 'dcgmFbFree', convert: toMiB },
  { field: 'memReserved', id: 'dcgmFbReserved', convert: toMiB },
  { field: 'energyMj', id: 'dcgmTotalEnergy', convert: same },
];
