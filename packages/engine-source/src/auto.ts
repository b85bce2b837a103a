import { setupError } from '@inferlens/core/internal';
import { type Detection, detectEngine } from './detect.js';
import {
  createEngineSource,
  type EngineSource,
  type EngineSourceOptions,
  type TargetOptions,
} from './source.js';
import { type Fail, namedTargets } from './source-setup.js';
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

/** Scrapes a target whose engine is not told: its source rows only (up, errors), no `llm_*`. */
const UNKNOWN_ADAPTER: EngineAdapter = {
  engine: UNKNOWN,
  packageName: '@inferlens/engine-source',
  normalize() {},
};

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
  const fleet = new Fleet(adapters, o, fail);
  await fleet.setTargets(o.targets);
  const timer = setInterval(() => void fleet.redetect(), redetectMs);
  (timer as { unref?: () => void }).unref?.();
  return {
    status: () => fleet.status(),
    refresh: () => fleet.refresh(),
    setTargets: (list) => fleet.setTargets(list),
    close() {
      clearInterval(timer);
      fleet.close();
    },
  };
}

/** Auto mode's state: the targets with what detection found, and one engine source per engine. */
class Fleet {
  #entries: Entry[] = [];
  readonly #sources = new Map<string, EngineSource & { key?: string }>();
  readonly #byEngine: Map<string, EngineAdapter>;
  readonly #limits: { timeoutMs: number; maxBytes: number };
  readonly #sourceOptions: Omit<EngineSourceOptions, 'targets'>;
  #queue = Promise.resolve();

  constructor(
    readonly adapters: readonly EngineAdapter[],
    readonly options: AutoSourceOptions,
    readonly fail: Fail,
  ) {
    this.#byEngine = new Map(adapters.map((a) => [a.engine, a]));
    this.#limits = { timeoutMs: options.timeoutMs ?? 5000, maxBytes: options.maxBytes ?? 4 << 20 };
    const { redetectMs: _r, targets: _t, ...sourceOptions } = options;
    this.#sourceOptions = sourceOptions;
  }

  /** Checks and names the targets; throws a setup error for a bad list. */
  normalize(list: readonly (string | AutoTarget)[]): AutoTarget[] {
    return namedTargets(list, this.fail).map(({ spec, name }) => {
      if (spec.engine !== undefined && !this.#byEngine.has(spec.engine))
        this.fail(`target "${spec.url}": no adapter for engine "${spec.engine}"`);
      return { ...spec, name };
    });
  }

  setTargets(list: readonly (string | AutoTarget)[]): Promise<void> {
    let specs: AutoTarget[];
    try {
      specs = this.normalize(list);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#serial(async () => {
      const old = new Map(this.#entries.map((e) => [identity(e.spec), e]));
      this.#entries = await Promise.all(
        specs.map(async (spec) => {
          const kept = old.get(identity(spec));
          return {
            spec,
            name: spec.name!,
            detection: kept?.detection ?? (await this.#detect(spec)),
          };
        }),
      );
      this.#rebuild();
    });
  }

  /** Detects again the targets whose engine was not told. */
  redetect(): Promise<void> {
    return this.#serial(async () => {
      let changed = false;
      for (const e of this.#entries) {
        if (e.detection.engine !== undefined) continue;
        e.detection = await this.#detect(e.spec);
        changed ||= e.detection.engine !== undefined;
      }
      if (changed) this.#rebuild();
    });
  }

  status(): AutoTargetStatus[] {
    return [...this.#sources.values()].flatMap((s) =>
      s.status().map((st) => {
        const d = this.#entries.find((e) => e.name === st.target)!.detection;
        const problem = d.engine === undefined ? ('unknown_engine' as const) : st.problem;
        return { ...st, detection: d, problem };
      }),
    );
  }

  refresh(): Promise<void> {
    return Promise.all([...this.#sources.values()].map((s) => s.refresh())).then(() => {});
  }

  close(): void {
    for (const s of this.#sources.values()) s.close();
    this.#sources.clear();
  }

  /** Target list changes and re-detections run one at a time, in order. */
  #serial(job: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(job, job);
    return this.#queue;
  }

  async #detect(spec: AutoTarget): Promise<Detection> {
    const forced = spec.engine === undefined ? undefined : this.#byEngine.get(spec.engine)!;
    const d = await detectEngine(spec.url, forced ? [forced] : this.adapters, {
      ...this.#limits,
      headers: spec.headers,
    });
    return forced ? { ...d, engine: forced.engine, by: 'forced' } : d;
  }

  /** (Re)creates the source of every engine whose target set changed. */
  #rebuild(): void {
    const groups = new Map<string, Entry[]>();
    for (const e of this.#entries) {
      const engine = e.detection.engine ?? UNKNOWN;
      groups.set(engine, [...(groups.get(engine) ?? []), e]);
    }
    for (const engine of new Set([...this.#sources.keys(), ...groups.keys()])) {
      const want = groups.get(engine) ?? [];
      const key = want.map((e) => identity(e.spec)).join('\n');
      const have = this.#sources.get(engine);
      if (have?.key === key) continue;
      have?.close();
      this.#sources.delete(engine);
      if (want.length === 0) continue;
      const source = createEngineSource(this.#byEngine.get(engine) ?? UNKNOWN_ADAPTER, {
        ...this.#sourceOptions,
        targets: want.map(({ spec, name }) => ({ ...spec, name })),
        onError: (e) => this.#onError(e),
      });
      this.#sources.set(engine, Object.assign(source, { key }));
    }
  }

  /** A target no adapter told apart fills no standard row: reported as `unknown_engine`. */
  #onError(e: SourceError): void {
    if (e.engine !== UNKNOWN || e.reason !== 'no_standard_series') return this.options.onError?.(e);
    const d = this.#entries.find((x) => x.name === e.target)?.detection;
    this.options.onError?.({
      ...e,
      reason: 'unknown_engine',
      message: `engine not told: ${d?.message ?? ''}`,
    });
  }
}
