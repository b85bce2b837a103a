/**
 * The dashboard app as a process of its own, for `node --import tsx` (esbuild with keepNames,
 * as many apps run): prints `dashboard app on <url>` once it listens.
 */
import { startDashboardApp } from './app.js';

const { url } = await startDashboardApp();
console.log(`dashboard app on ${url}`);
