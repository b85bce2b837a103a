import { LLM_LABELS, type MetricId, schema } from '@inferlens/core/internal';

/**
 * The sample and label names the dashboard page reads, embedded in the page as data. They come
 * from core's schema (no metric name is written here) and are renamed as `/metrics` renames them, so the
 * page reads `/metrics` exactly as it is served.
 */
export interface DashboardNames {
  httpRequests: string;
  httpDurationBucket: string;
  httpTtfbBucket: string;
  httpInFlight: string;
  llmRequests: string;
  llmErrors: string;
  ttftBucket: string;
  e2eBucket: string;
  generationTokens: string;
  running: string;
  waiting: string;
  kvCache: string;
  preemptions: string;
  labels: { method: string; route: string; outcome: string; model: string };
  outcomes: { aborted: string; error: string };
  /** Samples that only go up (counters, histogram buckets): the page takes their increases. */
  cumulative: string[];
}

/** Label names of the HTTP rows the page groups by; checked against the schema below. */
const HTTP_LABELS = { method: 'method', route: 'route', outcome: 'outcome' } as const;

/**
 * The names the page reads: core's schema names as `/metrics` writes them, `rename` mapping each
 * (default: as they are; `@inferlens/http` passes the function that prefixes its HTTP names, so
 * a prefixed page and a prefixed scrape always agree).
 *
 * @example
 * dashboardNames().httpRequests; // 'http_requests_total'
 * dashboardNames((n) => (n.startsWith('http_') ? `gw_${n}` : n)).httpRequests; // 'gw_http_requests_total'
 */
export function dashboardNames(rename: (name: string) => string = (n) => n): DashboardNames {
  const name = (id: MetricId, suffix = ''): string => rename(`${schema[id].prometheus}${suffix}`);
  for (const label of Object.values(HTTP_LABELS))
    if (!(schema.httpRequests.labels as readonly string[]).includes(label))
      throw new Error(`[@inferlens/dashboard] schema.httpRequests has no "${label}" label`);
  const names = {
    httpRequests: name('httpRequests'),
    httpDurationBucket: name('httpRequestDuration', '_bucket'),
    httpTtfbBucket: name('httpTimeToFirstByte', '_bucket'),
    httpInFlight: name('httpRequestsInFlight'),
    llmRequests: name('requests'),
    llmErrors: name('requestErrors'),
    ttftBucket: name('timeToFirstToken', '_bucket'),
    e2eBucket: name('e2eRequestLatency', '_bucket'),
    generationTokens: name('generationTokens'),
    running: name('requestsRunning'),
    waiting: name('requestsWaiting'),
    kvCache: name('kvCacheUsage'),
    preemptions: name('preemptions'),
  };
  return {
    ...names,
    labels: { ...HTTP_LABELS, model: LLM_LABELS[0] },
    outcomes: { aborted: 'aborted', error: 'error' },
    cumulative: [
      names.httpRequests,
      names.httpDurationBucket,
      names.httpTtfbBucket,
      names.llmRequests,
      names.llmErrors,
      names.ttftBucket,
      names.e2eBucket,
      names.generationTokens,
      names.preemptions,
    ],
  };
}
