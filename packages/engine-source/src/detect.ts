import { parse } from '@inferlens/prom-parse';
import { type FetchLimits, fetchText } from './fetch.js';
import type { EngineAdapter } from './target.js';

/** What auto mode found out about one target. */
export interface Detection {
  /** The adapter's `engine`, or undefined when nothing told it. */
  engine: string | undefined;
  /** How: sample-name prefixes of `/metrics`, an adapter's probe endpoint, `/v1/models`' `owned_by`. */
  by: 'metrics' | 'probe' | 'models' | 'forced' | undefined;
  /** Models the target serves (`/v1/models` ids, else what the probe says); may be empty. */
  models: string[];
  /** What was tried, for the status and the diagnostic channel. */
  message: string;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `/v1/models`' ids and `owned_by`s (vLLM, SGLang and llama.cpp write their own name there). */
function readModels(body: unknown): { ids: string[]; owners: string[] } {
  const data = (body as { data?: unknown } | undefined)?.data;
  const list = Array.isArray(data) ? (data as { id?: unknown; owned_by?: unknown }[]) : [];
  const str = (v: unknown): v is string => typeof v === 'string' && v !== '';
  return {
    ids: list.map((m) => m?.id).filter(str),
    owners: list.map((m) => m?.owned_by).filter(str),
  };
}

/**
 * Tells which of `adapters` a target runs, never throwing: first by the sample names of its
 * `/metrics` (the adapter whose `metricPrefixes` most samples start with), then by each adapter's
 * `probe` endpoint (TGI `/info`, llama.cpp `/props`, SGLang `/get_model_info`), then by the
 * `owned_by` of `/v1/models`. A server that answers `/v1/models` alone is *not* taken for vLLM:
 * many engines do. The models come from `/v1/models`, else from the probe.
 *
 * @example
 * const d = await detectEngine('http://10.0.0.8:30000', [vllmAdapter, tgiAdapter(), sglangAdapter]);
 * // { engine: 'sglang', by: 'metrics', models: ['meta-llama/Llama-3.1-8B-Instruct'], message: … }
 */
export async function detectEngine(
  url: string,
  adapters: readonly EngineAdapter[],
  limits: FetchLimits = { timeoutMs: 3000, maxBytes: 4 * 1024 * 1024 },
): Promise<Detection> {
  const base = url.replace(/\/+$/, '');
  const get = (path: string) => fetchText(base + path, limits);
  const [metrics, models] = await Promise.all([get('/metrics'), get('/v1/models')]);
  const listed = models.ok ? readModels(json(models.text)) : { ids: [], owners: [] };
  const tried: string[] = [];
  if (metrics.ok) {
    let best: EngineAdapter | undefined;
    let bestCount = 0;
    const names = parse(metrics.text, { maxErrors: 0 }).families.flatMap((f) =>
      f.samples.map((s) => s.name),
    );
    for (const a of adapters) {
      const n = names.filter((name) => a.metricPrefixes?.some((p) => name.startsWith(p))).length;
      if (n > bestCount) [best, bestCount] = [a, n];
    }
    if (best) {
      let models = listed.ids;
      if (models.length === 0 && best.probe) {
        // TGI's model id is in /info, llama.cpp's in /props.
        const res = await get(best.probe.path);
        const model = res.ok ? best.probe.model?.(json(res.text)) : undefined;
        if (model !== undefined) models = [model];
      }
      return {
        engine: best.engine,
        by: 'metrics',
        models,
        message: `${bestCount} of ${names.length} samples of /metrics are ${best.engine}'s`,
      };
    }
    tried.push(`/metrics has ${names.length} samples, none of a known engine`);
  } else tried.push(`/metrics: ${metrics.reason} (${metrics.message})`);
  for (const a of adapters) {
    if (!a.probe) continue;
    const res = await get(a.probe.path);
    const body = res.ok ? json(res.text) : undefined;
    if (body === undefined || !a.probe.test(body)) continue;
    const model = a.probe.model?.(body);
    return {
      engine: a.engine,
      by: 'probe',
      models: listed.ids.length || model === undefined ? listed.ids : [model],
      message: `${a.probe.path} answers as ${a.engine} does (${tried.join('; ')})`,
    };
  }
  const owner = adapters.find((a) => listed.owners.includes(a.engine));
  if (owner)
    return {
      engine: owner.engine,
      by: 'models',
      models: listed.ids,
      message: `/v1/models says owned_by "${owner.engine}" (${tried.join('; ')})`,
    };
  tried.push(
    models.ok
      ? `/v1/models lists ${listed.ids.length} model(s) of no known owner`
      : '/v1/models: no answer',
  );
  return { engine: undefined, by: undefined, models: listed.ids, message: tried.join('; ') };
}
