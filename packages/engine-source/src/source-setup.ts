import type { EngineSourceOptions, TargetOptions } from './source.js';
import type { TargetSettings } from './target.js';

/** Throws a setup error naming the package the user called; never returns. */
export type Fail = (message: string) => never;

/** A target spec checked at setup: its URL, and the `target` label it will carry. */
export interface NamedTarget<T extends TargetOptions> {
  spec: T;
  name: string;
  /** The URL without a trailing slash. */
  base: string;
}

/**
 * Checks target specs (a URL string or an object) and names each (default: the URL's host:port),
 * throwing on a non-http(s) URL or two targets of one name. Shared by `createEngineSource` and
 * auto mode, so both refuse the same inputs with the same words.
 */
export function namedTargets<T extends TargetOptions>(
  list: readonly (string | T)[],
  fail: Fail,
): NamedTarget<T>[] {
  const names = new Set<string>();
  return list.map((t) => {
    const spec = (typeof t === 'string' ? { url: t } : { ...t }) as T;
    let url: URL | undefined;
    try {
      url = new URL(spec?.url);
    } catch {}
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      return fail(`target "${String(spec?.url)}" is not an http(s) URL`);
    const name = spec.name ?? url.host;
    if (names.has(name)) fail(`two targets are named "${name}"; give each a distinct name`);
    names.add(name);
    return { spec, name, base: url.href.replace(/\/+$/, '') };
  });
}

/** Label names Prometheus accepts on a series, reserved `__` names left out. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Checks a target's extra labels (file_sd `labels`): label names with string values. */
export function checkTargetLabels(t: NamedTarget<TargetOptions>, fail: Fail): void {
  for (const [k, v] of Object.entries(t.spec.labels ?? {}))
    if (!LABEL_NAME.test(k) || k.startsWith('__') || typeof v !== 'string')
      fail(
        `target "${t.name}": label ${JSON.stringify(k)} is not a label name with a string value`,
      );
}

/** A source's timing and limits, checked, with their defaults. */
export interface SourceSettings {
  /** Scrape on a timer this often; undefined scrapes only when the lens is collected. */
  intervalMs: number | undefined;
  /** A collect-time scrape skips a target scraped less than this long ago. */
  minIntervalMs: number;
  target: Omit<TargetSettings, 'headers'>;
}

/** Checks a source's options (every number positive and finite) and fills in the defaults. */
export function sourceSettings(o: EngineSourceOptions, fail: Fail): SourceSettings {
  if (!o.lens || typeof o.lens.series !== 'function') fail('`lens` is required (createLens(...))');
  if (!Array.isArray(o.targets) || o.targets.length === 0)
    fail('`targets` must list at least one engine URL');
  const positive = (k: keyof EngineSourceOptions, v: unknown, def: number): number => {
    if (v === undefined) return def;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
      fail(`${k} must be a positive number`);
    return v as number;
  };
  if (o.strict !== undefined && typeof o.strict !== 'boolean') fail('strict must be true or false');
  if (o.onError !== undefined && typeof o.onError !== 'function')
    fail('onError must be a function');
  return {
    intervalMs: o.intervalMs === undefined ? undefined : positive('intervalMs', o.intervalMs, 0),
    minIntervalMs: positive('minIntervalMs', o.minIntervalMs, 1000),
    target: {
      timeoutMs: positive('timeoutMs', o.timeoutMs, 5000),
      maxBytes: positive('maxBytes', o.maxBytes, 4 * 1024 * 1024),
      maxSeries: positive('maxSeries', o.maxSeries, 10_000),
      staleAfterMs: positive('staleAfterMs', o.staleAfterMs, 300_000),
      strict: o.strict === true,
      onError: o.onError,
    },
  };
}
