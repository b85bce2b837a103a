import type { Lens } from '@inferlens/core';
import { VERSION } from './version.js';

/** What a GPU source says about itself; `@inferlens/nvml` and any object of this shape fit. */
export interface GpuAvailability {
  available: boolean;
  reason?: string;
}

export interface Readiness {
  ready: boolean;
  /** A short word for the engine's state (`loading`, `running`, `draining`). */
  state?: string;
}

/** Optional sources of the `/status` summary. */
export interface StatusSources {
  /** Your application's version. */
  version?: string;
  /** Readiness; `/status` answers 503 while it is false (default: always ready). */
  ready?: () => boolean | Readiness | Promise<boolean | Readiness>;
  /** GPU availability, as an object of this shape or a function returning one. */
  gpu?:
    | GpuAvailability
    | (() => GpuAvailability | undefined | Promise<GpuAvailability | undefined>);
}

/** The `/status` body. Built field by field from known values, so nothing else can leak into it. */
export interface StatusSummary {
  status: 'ready' | 'not_ready';
  version: string | null;
  inferlens: string;
  uptimeSeconds: number;
  engine: { name: string; state: string; requestsRunning: number; requestsWaiting: number };
  models: { name: string; engine: string; running: number; waiting: number }[];
  inFlight: { http: number; requests: number };
  gpu: { available: boolean; reason?: string } | null;
}

declare const performance: { now(): number };
declare function setTimeout(fn: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;

const MAX_MODELS = 100;
const SOURCE_TIMEOUT_MS = 2000;

/** Reads the lens and the optional sources into a summary. Never throws; slow sources time out. */
export async function statusSummary(lens: Lens, sources: StatusSources): Promise<StatusSummary> {
  const [readiness, gpu] = await Promise.all([readinessOf(sources.ready), gpuOf(sources.gpu)]);
  const running = lens.store.family('requestsRunning');
  const waiting = new Map<string, number>();
  for (const s of lens.store.family('requestsWaiting').all())
    if (!s.overflow) waiting.set(s.labelValues.slice(0, 2).join('\u0001'), s.value);
  const models: StatusSummary['models'] = [];
  let totalRunning = 0;
  let totalWaiting = 0;
  for (const s of running.all()) {
    if (s.overflow) continue;
    const [name = '', engine = ''] = s.labelValues;
    const w = waiting.get(`${name}\u0001${engine}`) ?? 0;
    totalRunning += s.value;
    totalWaiting += w;
    if (models.length < MAX_MODELS) models.push({ name, engine, running: s.value, waiting: w });
  }
  // Models the lens has recorded for without a running gauge (only counters, say) are listed too.
  const listed = new Set(models.map((m) => m.name));
  for (const name of lens.models())
    if (!listed.has(name) && models.length < MAX_MODELS)
      models.push({ name, engine: lens.engine, running: 0, waiting: 0 });
  let http = 0;
  for (const s of lens.store.family('httpRequestsInFlight').all()) http += s.value;
  const busy = totalRunning + totalWaiting > 0;
  return {
    status: readiness.ready ? 'ready' : 'not_ready',
    version: typeof sources.version === 'string' ? sources.version.slice(0, 64) : null,
    inferlens: VERSION,
    uptimeSeconds: Math.round(performance.now()) / 1000,
    engine: {
      name: lens.engine,
      state: readiness.state ?? (busy ? 'busy' : 'idle'),
      requestsRunning: totalRunning,
      requestsWaiting: totalWaiting,
    },
    models,
    inFlight: { http, requests: lens.activeRequests },
    gpu,
  };
}

function text(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined;
}

async function withTimeout<T>(work: () => T | Promise<T>, fallback: T): Promise<T> {
  let timer: unknown;
  try {
    return await Promise.race([
      Promise.resolve().then(work),
      new Promise<T>((resolve) => {
        timer = setTimeout(() => resolve(fallback), SOURCE_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return fallback;
  } finally {
    clearTimeout(timer);
  }
}

async function readinessOf(ready: StatusSources['ready']): Promise<Readiness> {
  if (typeof ready !== 'function') return { ready: true };
  const r = await withTimeout<boolean | Readiness>(ready, { ready: false, state: 'unknown' });
  if (typeof r === 'boolean') return { ready: r };
  const state = text(r?.state, 32);
  return state === undefined ? { ready: r?.ready === true } : { ready: r?.ready === true, state };
}

async function gpuOf(gpu: StatusSources['gpu']): Promise<StatusSummary['gpu']> {
  if (gpu === undefined) return null;
  const g = await withTimeout<GpuAvailability | undefined>(
    () => (typeof gpu === 'function' ? gpu() : gpu),
    { available: false, reason: 'GPU source did not answer' },
  );
  if (g === undefined || g === null || typeof g !== 'object') return null;
  // Only these two fields, whatever else the object holds (device handles, paths, settings).
  const reason = text(g.reason, 200);
  return reason === undefined
    ? { available: g.available === true }
    : { available: g.available === true, reason };
}
