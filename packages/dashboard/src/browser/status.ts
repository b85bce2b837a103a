/**
 * The fields of a `/status` body the page shows (`@inferlens/http`'s `StatusSummary` has them
 * all): the page reads them from the JSON the server sends, so a field may be missing.
 */
export interface DashboardStatus {
  status: 'ready' | 'not_ready';
  version: string | null;
  inferlens: string;
  uptimeSeconds: number;
  engine: { name: string; state: string; requestsRunning: number; requestsWaiting: number };
  models?: { name: string; engine: string }[];
  gpu?: { available: boolean; reason?: string } | null;
}
