/// <reference types="node" />
import cluster from 'node:cluster';
import { threadId } from 'node:worker_threads';
import { setupError } from '@inferlens/core/internal';

/** The roles of a prefill/decode (disaggregated) or mixed deployment. */
const ROLES = new Set(['prefill', 'decode', 'mixed', 'router', 'gateway']);
const LABEL_VALUE = /^[\w.:@/-]{1,128}$/;

/**
 * Constant labels that tell processes apart, from the environment, for
 * `createLens({ constLabels: processLabels() })`:
 *
 * - `worker_id`: `INFERLENS_WORKER_ID`, else the `node:cluster` worker id, else `thread-<n>` in a
 *   worker thread; absent in a lone main thread.
 * - `instance`: `INFERLENS_INSTANCE` (e.g. the pod name). Prometheus renames a scraped `instance`
 *   to `exported_instance` unless the job sets `honor_labels`.
 * - `role`: `INFERLENS_ROLE`, one of `prefill`, `decode`, `mixed`, `router`, `gateway`.
 *
 * A bad value throws here, naming the variable. With `@inferlens/cluster`'s merged scrape, a
 * `worker_id` label keeps the workers' series apart (as `workerLabel: true` does); leave it out to
 * merge them.
 *
 * @example
 * // INFERLENS_ROLE=decode INFERLENS_INSTANCE=pod-7 node server.js
 * const lens = createLens({ engine: 'sim', constLabels: processLabels() }); // { worker_id: '3', instance: 'pod-7', role: 'decode' }
 */
export function processLabels(
  env: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (label: string, variable: string, value: string | undefined): void => {
    if (value === undefined || value === '') return;
    if (!LABEL_VALUE.test(value))
      setupError('cluster', `${variable}: "${value}" is not a short label value`);
    out[label] = value;
  };
  const worker = cluster.isWorker
    ? String(cluster.worker?.id)
    : threadId !== 0
      ? `thread-${threadId}`
      : undefined;
  put('worker_id', 'INFERLENS_WORKER_ID', env.INFERLENS_WORKER_ID || worker);
  put('instance', 'INFERLENS_INSTANCE', env.INFERLENS_INSTANCE);
  const role = env.INFERLENS_ROLE;
  if (role !== undefined && role !== '' && !ROLES.has(role))
    setupError('cluster', `INFERLENS_ROLE: "${role}" is not one of ${[...ROLES].join(', ')}`);
  put('role', 'INFERLENS_ROLE', role);
  return out;
}
