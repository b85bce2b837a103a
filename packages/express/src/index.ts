import { inferlens } from './middleware.js';

export type { AuthOptions, GpuAvailability, Readiness, StatusSummary } from '@inferlens/http';
export type { EndpointsMiddleware } from './endpoints.js';
export { inferlensEndpoints } from './endpoints.js';
export type { InferlensMiddleware, InferlensOptions } from './middleware.js';
export type { ExpressRequest, ExpressResponse, NextFunction } from './types.js';
export { inferlens };
export default inferlens;
