/// <reference types="node" />
import cluster, { type Worker } from 'node:cluster';
import { CONTENT_TYPES, type Lens, setupError } from '@inferlens/core/internal';
import { mergeExpositions, type WorkerText } from './merge.js';

const ASK = 'inferlens:cluster:ask';
const SCRAPE = 'inferlens:cluster:scrape';
const TEXT = 'inferlens:cluster:text';
const RESULT = 'inferlens:cluster:result';

interface Message {
  type: string;
  id: number;
  text?: string;
  worker?: string;
}

/**
 * How the primary merges its workers' metrics.
 *
 * @example
 * aggregateInPrimary(lens, { workerLabel: true, timeoutMs: 1000 });
 */
export interface ClusterOptions {
  /** Keep a `worker` label on every series instead of merging (default false). */
  workerLabel?: boolean;
  /** How long the primary waits for the workers' expositions (default 2000 ms). */
  timeoutMs?: number;
}

const isMessage = (m: unknown): m is Message =>
  typeof m === 'object' && m !== null && typeof (m as Message).type === 'string';

/**
 * The primary's side: when a worker asks, every live worker renders its lens and the primary
 * merges the expositions (see `mergeExpositions`) and answers the worker that asked. A worker that
 * does not answer within `timeoutMs` is left out of that scrape. Returns a function that stops it.
 *
 * @example
 * if (cluster.isPrimary) { aggregateInPrimary(); for (let i = 0; i < 4; i++) cluster.fork(); }
 */
export function aggregateInPrimary(options: ClusterOptions = {}): () => void {
  if (!cluster.isPrimary) setupError('cluster', 'aggregateInPrimary: runs in the primary');
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!(timeoutMs > 0)) setupError('cluster', 'timeoutMs: must be a positive number');
  let next = 0;
  const pending = new Map<number, { texts: WorkerText[]; left: Set<number>; done: () => void }>();
  const onMessage = (from: Worker, m: unknown): void => {
    if (!isMessage(m)) return;
    if (m.type === TEXT) {
      const p = pending.get(m.id);
      if (!p?.left.has(from.id)) return;
      p.texts.push({ worker: String(from.id), text: m.text ?? '' });
      p.left.delete(from.id);
      if (p.left.size === 0) p.done();
      return;
    }
    if (m.type !== ASK) return;
    const id = next++;
    const workers = Object.values(cluster.workers ?? {}).filter(
      (w): w is Worker => !!w?.isConnected(),
    );
    let finished = false;
    const done = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const p = pending.get(id)!;
      pending.delete(id);
      const text = mergeExpositions(
        p.texts.sort((a, b) => Number(a.worker) - Number(b.worker)),
        options.workerLabel === true,
      );
      if (from.isConnected()) from.send({ type: RESULT, id: m.id, text });
    };
    const timer = setTimeout(done, timeoutMs);
    pending.set(id, { texts: [], left: new Set(workers.map((w) => w.id)), done });
    for (const w of workers) w.send({ type: SCRAPE, id });
    if (workers.length === 0) done();
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}

/**
 * A worker's side: answers the primary's scrape requests with `lens`'s exposition, and
 * `scrape()` returns the whole process group's metrics (for any worker's `/metrics` handler).
 * Outside a cluster worker, `scrape()` is the lens's own scrape.
 *
 * @example
 * const group = clusterLens(lens);
 * app.get('/metrics', async (_req, res) => {
 *   const { contentType, body } = await group.scrape();
 *   res.type(contentType).send(body);
 * });
 */
export function clusterLens(
  lens: Lens,
  options: { timeoutMs?: number } = {},
): { scrape(): Promise<{ contentType: string; body: string }>; close(): void } {
  const contentType = CONTENT_TYPES.prometheus;
  if (!cluster.isWorker || !process.send)
    return {
      scrape: async () => ({ contentType, body: (await lens.scrape('text/plain')).body }),
      close() {},
    };
  const timeoutMs = options.timeoutMs ?? 5000;
  let next = 0;
  const waiting = new Map<number, (text: string | undefined) => void>();
  const onMessage = (m: unknown): void => {
    if (!isMessage(m)) return;
    if (m.type === SCRAPE) {
      // Collect first (it runs the lens's sources), then answer; never throw into the worker.
      void lens
        .collect()
        .catch(() => {})
        .then(() => process.send?.({ type: TEXT, id: m.id, text: lens.render('prometheus') }));
    } else if (m.type === RESULT) waiting.get(m.id)?.(m.text);
  };
  process.on('message', onMessage);
  return {
    scrape: () =>
      new Promise((resolve) => {
        const id = next++;
        const finish = (text: string | undefined): void => {
          clearTimeout(timer);
          waiting.delete(id);
          // No answer from the primary: this worker's own metrics rather than nothing.
          resolve({ contentType, body: text ?? lens.render('prometheus') });
        };
        const timer = setTimeout(() => finish(undefined), timeoutMs);
        waiting.set(id, finish);
        process.send!({ type: ASK, id });
      }),
    close: () => void process.off('message', onMessage),
  };
}
