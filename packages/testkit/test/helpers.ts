import { createLens, type EngineEventName, instrument, type Lens } from '@inferlens/core/internal';
import {
  type Generation,
  SimulatedEngine,
  type SimulatedEngineOptions,
  type TokenChunk,
} from '../src/index.js';

/** An engine running `speed` times faster than real time, instrumented on a lens that shares its clock. */
export function setup(options: SimulatedEngineOptions = {}): {
  engine: SimulatedEngine;
  lens: Lens;
} {
  const engine = new SimulatedEngine({ speed: 20, seed: 11, ...options });
  const lens = createLens({ engine: 'sim', clock: engine.now });
  instrument(engine, { lens });
  return { engine, lens };
}

export interface Drained {
  chunks: TokenChunk[];
  error?: unknown;
}

/** Reads a generation to its end, keeping its chunks and the error it threw, if any. */
export async function drain(gen: Generation): Promise<Drained> {
  const chunks: TokenChunk[] = [];
  try {
    for await (const c of gen) chunks.push(c);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

export interface Recorded {
  event: EngineEventName;
  id?: string;
  time?: number;
  payload: Record<string, unknown>;
}

/** Every event the engine emits, in order (read at `emit`, so no event name is listed here). */
export function record(engine: SimulatedEngine): Recorded[] {
  const log: Recorded[] = [];
  const emit = engine.emit.bind(engine) as (event: string, payload: unknown) => boolean;
  (engine as { emit: unknown }).emit = (event: EngineEventName, p: object) => {
    const payload = p as Record<string, unknown>;
    log.push({ event, id: payload.id as string, time: payload.time as number, payload });
    return emit(event, p);
  };
  return log;
}

/** Counter or gauge value of one model's series. */
export const llm = (lens: Lens, model = 'sim-llama-3-8b') => lens.handles(model);
