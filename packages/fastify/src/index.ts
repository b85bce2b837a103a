import { inferlens } from './plugin.js';

export type { AuthOptions, GpuAvailability, Readiness, StatusSummary } from '@inferlens/http';
export { inferlensEndpoints } from './endpoints.js';
export type { InferlensOptions } from './plugin.js';
export { inferlens };
export default inferlens;
