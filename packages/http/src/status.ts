import type { Lens } from '@inferlens/core';
import { VERSION } from './version.js';

/**
 * What a GPU source says about itself; `@inferlens/nvml` and any object of this shape fit.
 *
 * @example
 * inferlens({ gpu: () => ({ available: false, reason: 'no NVIDIA driver' }) });
 */
export interface GpuAvailability {
  available: boolean;
  reason?: string;
}

/**
 * Readiness with the engine's state in a word; `/status` answers 503 while `ready` is false.
 *
 * @example
 * inferlens({ ready: () => ({ ready: engine.loaded, state: engine.loaded ? 'running' : 'loading' }) });
 */
export interface Readiness {
  ready: boolean;
  /** A short word for the engine's state (`loading`, `running`, `draining`). */
  state?: string;
}

/**
 * Optional sources of the `/status` summary.
 *
 * @example
 * inferlens({ version: '1.4.2', ready: () => engine.ready, app: () => ({ region: 'eu-west-1' }) });
 */
export interface StatusSources {
  /** Your application's version. */
  version?: string;
  /** Readiness; `/status` answers 503 while it is false (default: always ready). */
  ready?: () => boolean | Readiness | Promise<boolean | Readiness>;
  /** GPU availability, as an object of this shape or a function returning one. */
  gpu?:
    | GpuAvailability
    | (() => GpuAvailability | undefined | Promise<GpuAvailability | undefined>);
  /**
   * Your application's own fields, shown under `app`: a function returning a flat object, read
   * per request (2 s at most). Only strings (200 characters), finite numbers, booleans and null
   * pass, at most 32 fields; fields whose name or value looks like a credential (`token`,
   * `password`, `Bearer …`, `sk-…`) are left out, so a careless object cannot leak one.
   *
   * @example
   * inferlens({ app: () => ({ region: 'eu-west-1', replica: 3, loraAdapters: adapters.size }) });
   */
  app?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** What `/status` shows of the application's fields. */
export type AppFields = Record<string, string | number | boolean | null>;

/**
 * The `/status` body. Built field by field from known values, so nothing else can leak into it.
 *
 * @example
 * const summary = (await (await fetch('http://localhost:3000/status')).json()) as StatusSummary;
 */
export interface StatusSummary {
  status: 'ready' | 'not_ready';
  version: string | null;
  inferlens: string;
  uptimeSeconds: number;
  engine: { name: string; state: string; requestsRunning: number; requestsWaiting: number };
  models: { name: string; engine: string; running: number; waiting: number }[];
  inFlight: { http: number; requests: number };
  gpu: { available: boolean; reason?: string } | null;
  /** The application's fields (`app` option), checked; absent without the option. */
  app?: AppFields;
}

declare const performance: { now(): number };
declare function setTimeout(fn: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;

const MAX_MODELS = 100;
const SOURCE_TIMEOUT_MS = 2000;

/** Reads the lens and the optional sources into a summary. Never throws; slow sources time out. */
export async function statusSummary(lens: Lens, sources: StatusSources): Promise<StatusSummary> {
  const [readiness, gpu, app] = await Promise.all([
    readinessOf(sources.ready),
    gpuOf(sources.gpu),
    appFieldsOf(sources.app),
  ]);
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
  const summary: StatusSummary = {
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
  if (app !== null) summary.app = app;
  return summary;
}

const MAX_APP_FIELDS = 32;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
/** Names and values that look like credentials; such fields never reach the page. */
const SECRET_NAME = /pass|secret|token|key|auth|credential|cookie|session|private|signature/i;
const SECRET_VALUE =
  /^(bearer|basic)\s|^(sk|pk|rk|ghp|gho|github_pat|xox[abp]|hf|AKIA)[-_]?[A-Za-z0-9]|-----BEGIN/i;

async function appFieldsOf(app: StatusSources['app']): Promise<AppFields | null> {
  if (typeof app !== 'function') return null;
  const given = await withTimeout<unknown>(app, undefined);
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return {};
  const out: AppFields = {};
  let n = 0;
  try {
    for (const [name, value] of Object.entries(given)) {
      if (n >= MAX_APP_FIELDS) break;
      if (!FIELD_NAME.test(name) || SECRET_NAME.test(name)) continue;
      let v: string | number | boolean | null;
      if (typeof value === 'string') {
        if (SECRET_VALUE.test(value)) continue;
        v = value.slice(0, 200);
      } else if (typeof value === 'number' && Number.isFinite(value)) v = value;
      else if (typeof value === 'boolean' || value === null) v = value;
      else continue; // objects, arrays, functions: nothing nested leaves the process
      out[name] = v;
      n++;
    }
  } catch {
    // A getter that throws ends the list; what was read is shown.
  }
  return out;
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
