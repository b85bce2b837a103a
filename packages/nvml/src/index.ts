export type { GpuSourceOptions } from './options.js';
export { LIBRARY_ENV } from './options.js';
export type { UnavailableReason } from './reasons.js';
export { createGpuSource, GpuSource } from './source.js';
export type { GpuDeviceStatus, GpuStatus } from './state.js';
