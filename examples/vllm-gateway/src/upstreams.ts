import type { Lens } from '@inferlens/core';
import {
  type AutoSource,
  type AutoTarget,
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
export async function fleetSource(lens: Lens, upstreams: readonly Upstream[]): Promise<AutoSource> {
  return createAutoSource(ADAPTERS, { lens, targets: upstreams.map(autoTarget), timeoutMs: 3000 });
}

export function autoTarget(u: Upstream): AutoTarget {
  return { url: u.url, name: new URL(u.url).host, engine: u.engine, labels: u.labels };
}

/** Upstreams with what detection found, in the order given (those not scraped yet left out). */
export function resolve(
  upstreams: readonly Upstream[],
  status: readonly AutoTargetStatus[],
): ResolvedUpstream[] {
  return upstreams.flatMap((u) => {
    const st = status.find((s) => s.url === u.url);
    if (!st) return [];
    return {
      url: u.url,
      engine: (st.detection.engine ?? 'unknown') as EngineKind | 'unknown',
      models: st.detection.models,
      detection: st.detection,
    };
  });
}

/** Picks the upstream serving `model`, else the next one in turn; undefined when there is none. */
export function router(
  upstreams: () => readonly ResolvedUpstream[],
): (model: string | undefined) => ResolvedUpstream | undefined {
  let next = 0;
  return (model) => {
    const list = upstreams();
    return (
      list.find((u) => model !== undefined && u.models.includes(model)) ??
      list[next++ % Math.max(list.length, 1)]
    );
  };
}
