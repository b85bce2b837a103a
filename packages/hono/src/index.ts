import { inferlens } from './middleware.js';

export type { AuthOptions, GpuAvailability, Readiness, StatusSummary } from '@inferlens/http';
export { inferlensEndpoints } from './endpoints.js';
export type { InferlensMiddleware, InferlensOptions } from './middleware.js';
export { inferlens };
export default inferlens;
