import type { EngineKind, Upstream } from './args.js';

export interface ResolvedUpstream {
  url: string;
  engine: EngineKind;
  /** Models it serves (vLLM's /v1/models, TGI's /info model_id); empty when it could not say. */
  models: string[];
}

async function json(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

/**
 * Finds each upstream's engine and models: TGI answers `/info` with a `model_id`; vLLM lists its
 * models at `/v1/models`. An upstream that answers neither is assumed to be vLLM and is still
 * scraped, so it shows up as down instead of disappearing.
 */
export async function resolveUpstream(u: Upstream): Promise<ResolvedUpstream> {
  if (u.engine !== 'vllm') {
    try {
      const info = (await json(`${u.url}/info`)) as { model_id?: unknown };
      if (typeof info.model_id === 'string')
        return { url: u.url, engine: 'tgi', models: [info.model_id] };
    } catch {}
    if (u.engine === 'tgi') return { url: u.url, engine: 'tgi', models: [] };
  }
  try {
    const list = (await json(`${u.url}/v1/models`)) as { data?: { id?: unknown }[] };
    const models = (list.data ?? [])
      .map((m) => m.id)
      .filter((id): id is string => typeof id === 'string');
    return { url: u.url, engine: 'vllm', models };
  } catch {
    return { url: u.url, engine: 'vllm', models: [] };
  }
}

/** Picks the upstream serving `model`, else the next one in turn. */
export function router(
  upstreams: readonly ResolvedUpstream[],
): (model: string | undefined) => ResolvedUpstream {
  let next = 0;
  return (model) =>
    upstreams.find((u) => model !== undefined && u.models.includes(model)) ??
    upstreams[next++ % upstreams.length]!;
}
