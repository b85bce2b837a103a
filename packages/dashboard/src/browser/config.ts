import type { DashboardNames } from '../names.js';

/** What the server tells the page: where to poll, how often, and the names to read. */
export interface DashboardConfig {
  /** URLs relative to the page, so the page works behind a proxy's path prefix. */
  metricsUrl: string;
  statusUrl: string | null;
  /** `bearer`: the page asks for a token; `basic`: the browser resends what it was given. */
  auth: 'none' | 'basic' | 'bearer';
  /** With `bearer`: the header the token goes in as it is (an API-key header); null: `Authorization: Bearer`. */
  authHeader: string | null;
  intervalMs: number;
  timeoutMs: number;
  windowSeconds: number;
  historyPoints: number;
  maxRows: number;
  names: DashboardNames;
}

/** The id of the page's JSON element that holds the config. */
export const CONFIG_ELEMENT_ID = 'inferlens-config';
