/**
 * `@inferlens/dashboard`: the live dashboard page the inferlens endpoints serve at `/dashboard`
 * (`@inferlens/express`, `@inferlens/fastify`, `@inferlens/hono` do it for you). For serving
 * the page from anything else.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { dashboardHeaders, dashboardPage } from '@inferlens/dashboard';
 *
 * const page = dashboardPage({ dashboardPath: '/dashboard', metricsPath: '/metrics', statusPath: '/status', auth: 'none' });
 * const headers = await dashboardHeaders(page);
 * createServer((req, res) => res.writeHead(200, headers).end(page.html)).listen(8080);
 */
export type { DashboardStatus } from './browser/status.js';
export { dashboardHeaders } from './headers.js';
export type { DashboardNames } from './names.js';
export { dashboardNames } from './names.js';
export type { DashboardPage, DashboardPageOptions } from './page.js';
export { dashboardPage, relativeUrl } from './page.js';
