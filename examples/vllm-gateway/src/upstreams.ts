import type { Lens } from '@inferlens/core';
import {
  type AutoSource,
  type AutoTargetStatus,
  createAutoSource,
  type Detection,
} from '@inferlens/engine-source';
import { llamacppAdapter } from '@inferlens/llamacpp';
import { sglangAdapter } from '@inferlens/sglang';
import { tgiAdapter } from '@inferlens/tgi';
import { vllmAdapter } from '@inferlens/vllm';
import type { EngineKind, Upstream } from './args.js';

export interface ResolvedUpstream {
  url: string;
  /** `unknown` when neither its metric names nor its endpoints told the engine. */
  engine: EngineKind | 'unknown';
  /** Models it serves (`/v1/models`, TGI's `/info`, llama.cpp's `/props`); empty when it could not say. */
  models: string[];
  detection: Detection;
}

/** The four engine adapters; detection tries them by metric names, then by their endpoints. */
export const ADAPTERS = [vllmAdapter, tgiAdapter(), sglangAdapter, llamacppAdapter];

/**
 * One auto-mode source over every upstream: each upstream's engine is detected (or forced by its
 * `engine=` prefix) and it is scraped by that engine's adapter into `lens`.
 */
export async function fleetSource(
  lens: Lens,
  upstreams: readonly Upstream[],
): Promise<{ source: AutoSource; resolved: ResolvedUpstream[] }> {
  const source = await createAutoSource(ADAPTERS, {
    lens,
    targets: upstreams.map((u) => ({ url: u.url, name: new URL(u.url).host, engine: u.engine })),
    timeoutMs: 3000,
  });
  return { source, resolved: resolve(upstreams, source.status()) };
}

/** Upstreams with what detection found, in the order given. */
export function resolve(
  upstreams: readonly Upstream[],
  status: readonly AutoTargetStatus[],
): ResolvedUpstream[] {
  return upstreams.map((u) => {
    const st = status.find((s) => s.url === u.url)!;
    return {
      url: u.url,
      engine: (st.detection.engine ?? 'unknown') as EngineKind | 'unknown',
      models: st.detection.models,
      detection: st.detection,
    };
  });
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
