import type { TargetContext } from '@inferlens/engine-source/internal';

/** The model name is re-read this often, to notice a restart with another model. */
const MODEL_REFRESH_MS = 60_000;

interface LlamacppTargetData {
  model?: string;
  modelAt?: number;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The id of the first model `/v1/models` lists (the `--alias`, else the `-m` path). */
export function modelFromModels(json: unknown): string | undefined {
  const data = (json as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) ? text((data[0] as { id?: unknown } | undefined)?.id) : undefined;
}

/** `/props`: `model_alias`, else `model_path`, else the older `default_generation_settings.model`. */
export function modelFromProps(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const j = json as Record<string, unknown>;
  const settings = j.default_generation_settings as Record<string, unknown> | undefined;
  return text(j.model_alias) ?? text(j.model_path) ?? text(settings?.model);
}

/**
 * llama.cpp labels nothing, so the model comes from `/v1/models`, else `/props`, re-read every
 * minute. Failures keep the last name (or none); they never fail the scrape.
 */
export async function refreshModel(target: TargetContext): Promise<void> {
  const data = target.data as LlamacppTargetData;
  const now = Date.now();
  if (target.model !== undefined) return;
  if (data.model !== undefined && now - (data.modelAt ?? 0) < MODEL_REFRESH_MS) return;
  for (const [path, read] of [
    ['/v1/models', modelFromModels],
    ['/props', modelFromProps],
  ] as const) {
    const res = await target.fetch(path);
    const model = res.ok ? read(parseJson(res.text)) : undefined;
    if (model === undefined) continue;
    data.model = model;
    data.modelAt = now;
    return;
  }
}

export function modelOf(target: TargetContext): string {
  return target.model ?? (target.data as LlamacppTargetData).model ?? 'unknown';
}
