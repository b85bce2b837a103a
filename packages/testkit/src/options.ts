import { fail } from './runtime.js';

/** What one engine step costs on the simulated GPU, in simulated milliseconds. */
export interface StepCost {
  /** Fixed cost of a step: kernel launches, sampling, scheduling (default 12). */
  baseMs: number;
  /** Per sequence in the batch (default 0.3). */
  perSeqMs: number;
  /** Per prompt token prefilled in the step; prefill is compute-bound (default 0.05). */
  perPrefillTokenMs: number;
  /** Per token of context the batch attends to; decode is bound by KV reads (default 0.0005). */
  perContextTokenMs: number;
  /** Relative random spread of each step's duration (default 0.05, i.e. ±5%). */
  jitter: number;
}

/**
 * Options of {@link SimulatedEngine}: the model, speed, KV budget, step costs and injected faults.
 *
 * @example
 * const engine = new SimulatedEngine({ model: 'llama-3-8b', speed: 10 });
 */
export interface SimulatedEngineOptions {
  /** Model name on events and stats (default `sim-llama-3-8b`). */
  model?: string;
  /** Seed of the PRNG: the same seed gives the same outputs (default 1). */
  seed?: number;
  /** Simulated milliseconds per real millisecond (default 1); 60 runs a simulated minute in 1 s. */
  speed?: number;
  /** Tokens per KV block (default 16). */
  blockSize?: number;
  /** KV-cache budget in blocks (default 2048, i.e. 32k tokens at 16 tokens a block). */
  kvBlocks?: number;
  /** Most sequences in one step (default 64, vLLM's max_num_seqs). */
  maxBatch?: number;
  /** Most tokens one step processes, prefill and decode together (default 2048). */
  maxBatchTokens?: number;
  /** Fraction of blocks kept free when admitting new requests, to absorb growth (default 0.01). */
  watermark?: number;
  /** Prompt tokens every request shares (chat template + system prompt), cached once (default 64). */
  sharedPrefixTokens?: number;
  /** Chance that each generated token is the end of the answer (default 1/150). */
  eosProbability?: number;
  /** Chance that a request fails inside the engine (default 0). */
  failureRate?: number;
  /** Error types failures draw from (default `['engine_error']`). */
  failureTypes?: readonly string[];
  /** Step cost model; fields not given keep their defaults. */
  stepCost?: Partial<StepCost>;
  /** Prefix of request ids (default `req`). */
  idPrefix?: string;
}

export type ResolvedOptions = Required<Omit<SimulatedEngineOptions, 'stepCost'>> & {
  stepCost: StepCost;
  /** Longest prompt + output a request may ask for, from the KV budget. */
  maxModelLen: number;
  watermarkBlocks: number;
};

/**
 * The cost model of one engine step when `stepCost` leaves fields out.
 *
 * @example
 * new SimulatedEngine({ stepCost: { baseMs: DEFAULT_STEP_COST.baseMs * 2 } });
 */
export const DEFAULT_STEP_COST: Readonly<StepCost> = {
  baseMs: 12,
  perSeqMs: 0.3,
  perPrefillTokenMs: 0.05,
  perContextTokenMs: 0.0005,
  jitter: 0.05,
};

/** Fills in defaults and rejects bad values, naming every bad option at once. */
export function resolveOptions(o: SimulatedEngineOptions = {}): ResolvedOptions {
  const r = {
    model: o.model ?? 'sim-llama-3-8b',
    seed: o.seed ?? 1,
    speed: o.speed ?? 1,
    blockSize: o.blockSize ?? 16,
    kvBlocks: o.kvBlocks ?? 2048,
    maxBatch: o.maxBatch ?? 64,
    maxBatchTokens: o.maxBatchTokens ?? 2048,
    watermark: o.watermark ?? 0.01,
    sharedPrefixTokens: o.sharedPrefixTokens ?? 64,
    eosProbability: o.eosProbability ?? 1 / 150,
    failureRate: o.failureRate ?? 0,
    failureTypes: o.failureTypes ?? ['engine_error'],
    idPrefix: o.idPrefix ?? 'req',
    stepCost: { ...DEFAULT_STEP_COST, ...o.stepCost },
  };
  const bad: string[] = [];
  const check = (ok: boolean, what: string) => ok || bad.push(what);
  const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
  const fraction = (n: number) => n >= 0 && n <= 1;
  check(typeof r.model === 'string' && r.model !== '', 'model must be a non-empty string');
  check(Number.isInteger(r.seed), 'seed must be an integer');
  check(Number.isFinite(r.speed) && r.speed > 0, 'speed must be a positive number');
  for (const k of ['blockSize', 'kvBlocks', 'maxBatch', 'maxBatchTokens'] as const)
    check(positiveInt(r[k]), `${k} must be a positive integer`);
  check(
    Number.isInteger(r.sharedPrefixTokens) && r.sharedPrefixTokens >= 0,
    'sharedPrefixTokens must be an integer ≥ 0',
  );
  check(r.watermark >= 0 && r.watermark < 0.5, 'watermark must be in [0, 0.5)');
  check(fraction(r.eosProbability), 'eosProbability must be in [0, 1]');
  check(fraction(r.failureRate), 'failureRate must be in [0, 1]');
  check(
    Array.isArray(r.failureTypes) &&
      r.failureTypes.length > 0 &&
      r.failureTypes.every((t) => typeof t === 'string' && t !== ''),
    'failureTypes must be a non-empty list of strings',
  );
  for (const [k, v] of Object.entries(r.stepCost))
    check(Number.isFinite(v) && v >= 0, `stepCost.${k} must be a number ≥ 0`);
  check(r.stepCost.jitter < 1, 'stepCost.jitter must be below 1');
  if (bad.length) fail(`SimulatedEngine: ${bad.join('; ')}`);
  const watermarkBlocks = Math.ceil(r.kvBlocks * r.watermark);
  // A request alone must always fit, or it could never be scheduled.
  const maxModelLen = (r.kvBlocks - watermarkBlocks - 1) * r.blockSize;
  if (maxModelLen < 1) fail('SimulatedEngine: kvBlocks is too small for even one request');
  return { ...r, maxModelLen, watermarkBlocks };
}
