import { setupError } from '@inferlens/core/internal';
import { type Detection, detectEngine } from './detect.js';
import {
  createEngineSource,
  type EngineSource,
  type EngineSourceOptions,
  type TargetOptions,
} from './source.js';
import type { EngineAdapter, SourceError, TargetStatus } from './target.js';

/** A target of auto mode; `engine` skips detection (`vllm`, `tgi`, …: an adapter's engine). */
export interface AutoTarget extends TargetOptions {
  engine?: string;
}

/**
 * Options of {@link createAutoSource}: those of a source, with targets whose engine may be unknown.
 *
 * @example
 * await createAutoSource([vllmAdapter, tgiAdapter()], { lens, targets: ['http://10.0.0.5:8000'] });
 */
export interface AutoSourceOptions extends Omit<EngineSourceOptions, 'targets'> {
  /** Targets; may be empty (discovery fills them in with `setTargets`). */
  targets: readonly (string | AutoTarget)[];
  /** Targets whose engine could not be told are detected again this often (default 60 s). */
  redetectMs?: number;
}

/**
 * A target's status in auto mode: the source's status, and what detection found.
 *
 * @example
 * for (const t of auto.status()) console.log(t.target, t.engine, t.up);
 */
export interface AutoTargetStatus extends TargetStatus {
  detection: Detection;
}

/** Engine sources over a fleet whose engines are found out, not configured. */
export interface AutoSource {
  /** Every target's status with how its engine was told; `engine: 'unknown'` when it was not. */
  status(): AutoTargetStatus[];
  /** Scrapes every target now. Never rejects. */
  refresh(): Promise<void>;
  /**
   * Replaces the target list (discovery): new targets are detected, those gone are removed with
   * their series; unchanged targets keep their engine. Rejects with a TypeError for a bad list,
   * changing nothing; never rejects otherwise.
   */
  setTargets(targets: readonly (string | AutoTarget)[]): Promise<void>;
  close(): void;
}

const UNKNOWN = 'unknown';

/** What makes a target the same one across `setTargets` calls. */
const identity = (t: AutoTarget): string =>
  JSON.stringify([t.name, t.url, t.engine, t.model, t.labels, t.headers]);

interface Entry {
  spec: AutoTarget;
  name: string;
  detection: Detection;
}

/**
 * Scrapes a mixed fleet: each target's engine is told by `detectEngine` (its metric names, then
 * the adapters' probe endpoints, then `/v1/models`' owner) and the target is scraped by that
 * adapter. A target nothing tells apart is still scraped (under `engine="unknown"`), reported with
 * `problem: 'unknown_engine'` and an `onError` event, and detected again every `redetectMs`.
 * Bad options throw here.
 *
 * @example
 * const fleet = await createAutoSource([vllmAdapter, tgiAdapter(), sglangAdapter, llamacppAdapter], {
 *   lens,
 *   targets: ['http://10.0.0.5:8000', 'http://10.0.0.8:30000', { url: 'http://10.0.0.9:8080', engine: 'llamacpp' }],
 * });
 * fleet.status(); // [{ target: '10.0.0.5:8000', engine: 'vllm', detection: { by: 'metrics', … }, up: true, … }, …]
 */
export async function createAutoSource(
  adapters: readonly EngineAdapter[],
  options: AutoSourceOptions,
): Promise<AutoSource> {
  const fail = (msg: string): never => setupError('engine-source', `createAutoSource: ${msg}`);
  if (!Array.isArray(adapters) || adapters.length === 0) fail('give at least one adapter');
  const o = options ?? fail('options are required: { lens, targets }');
  if (!Array.isArray(o.targets)) fail('`targets` must be an array');
  const redetectMs = o.redetectMs ?? 60_000;
  if (!(redetectMs > 0)) fail('redetectMs must be a positive number');
  const byEngine = new Map(adapters.map((a) => [a.engine, a]));
  const unknown: EngineAdapter = {
    engine: UNKNOWN,
    packageName: '@inferlens/engine-source',
    normalize() {},
  };
  const limits = { timeoutMs: o.timeoutMs ?? 5000, maxBytes: o.maxBytes ?? 4 * 1024 * 1024 };
  const { redetectMs: _r, targets: _t, ...sourceOptions } = o;

  const normalize = (list: readonly (string | AutoTarget)[]): AutoTarget[] => {
    const names = new Set<string>();
    return list.map((t) => {
      const spec = typeof t === 'string' ? { url: t } : { ...t };
      let url: URL | undefined;
      try {
        url = new URL(spec.url);
      } catch {}
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
        fail(`target "${String(spec.url)}" is not an http(s) URL`);
      if (spec.engine !== undefined && !byEngine.has(spec.engine))
        fail(`target "${spec.url}": no adapter for engine "${spec.engine}"`);
      const name = spec.name ?? url!.host;
      if (names.has(name)) fail(`two targets are named "${name}"; give each a distinct name`);
      names.add(name);
      return { ...spec, name };
    });
  };

  const detect = async (spec: AutoTarget): Promise<Detection> => {
    const forced = spec.engine === undefined ? undefined : byEngine.get(spec.engine)!;
    const d = await detectEngine(spec.url, forced ? [forced] : adapters, {
      ...limits,
      headers: spec.headers,
    });
    return forced ? { ...d, engine: forced.engine, by: 'forced' } : d;
  };

  let entries: Entry[] = [];
  const sources = new Map<string, EngineSource>();
  const onError = (e: SourceError): void => {
    if (e.engine !== UNKNOWN || e.reason !== 'no_standard_series') return o.onError?.(e);
    const d = entries.find((x) => x.name === e.target)?.detection;
    o.onError?.({
      ...e,
      reason: 'unknown_engine',
      message: `engine not told: ${d?.message ?? ''}`,
    });
  };
  /** (Re)creates the source of every engine whose target set changed. */
  const rebuild = (): void => {
    const groups = new Map<string, Entry[]>();
    for (const e of entries) {
      const engine = e.detection.engine ?? UNKNOWN;
      groups.set(engine, [...(groups.get(engine) ?? []), e]);
    }
    for (const engine of new Set([...sources.keys(), ...groups.keys()])) {
      const want = groups.get(engine) ?? [];
      const key = want.map((e) => identity(e.spec)).join('\n');
      const have = sources.get(engine) as (EngineSource & { key?: string }) | undefined;
      if (have?.key === key) continue;
      have?.close();
      sources.delete(engine);
      if (want.length === 0) continue;
      const source = createEngineSource(byEngine.get(engine) ?? unknown, {
        ...sourceOptions,
        targets: want.map(({ spec, name }) => ({ ...spec, name })),
        onError,
      });
      sources.set(engine, Object.assign(source, { key }));
    }
  };

  let queue = Promise.resolve();
  const serial = (job: () => Promise<void>): Promise<void> => {
    queue = queue.then(job, job);
    return queue;
  };
  const setTargets = (list: readonly (string | AutoTarget)[]): Promise<void> => {
    let specs: AutoTarget[];
    try {
      specs = normalize(list);
    } catch (error) {
      return Promise.reject(error);
    }
    return serial(async () => {
      const old = new Map(entries.map((e) => [identity(e.spec), e]));
      entries = await Promise.all(
        specs.map(async (spec) => {
          const kept = old.get(identity(spec));
          return { spec, name: spec.name!, detection: kept?.detection ?? (await detect(spec)) };
        }),
      );
      rebuild();
    });
  };
  await setTargets(normalize(o.targets));

  const timer = setInterval(() => {
    void serial(async () => {
      let changed = false;
      for (const e of entries) {
        if (e.detection.engine !== undefined) continue;
        e.detection = await detect(e.spec);
        changed ||= e.detection.engine !== undefined;
      }
      if (changed) rebuild();
    });
  }, redetectMs);
  (timer as { unref?: () => void }).unref?.();

  return {
    status: () =>
      [...sources.values()].flatMap((s) =>
        s.status().map((st) => {
          const d = entries.find((e) => e.name === st.target)!.detection;
          return {
            ...st,
            detection: d,
            problem: d.engine === undefined ? ('unknown_engine' as const) : st.problem,
          };
        }),
      ),
    refresh: () => Promise.all([...sources.values()].map((s) => s.refresh())).then(() => {}),
    setTargets,
    close() {
      clearInterval(timer);
      for (const s of sources.values()) s.close();
      sources.clear();
    },
  };
}
