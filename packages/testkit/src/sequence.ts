import type { Generation } from './generation.js';
import type { KvSequence } from './kv.js';
import { geometric, type Random, randomInt } from './prng.js';

export type SequenceState = 'waiting' | 'running' | 'ended';

export interface SequenceInit {
  id: string;
  model: string;
  promptTokens: number;
  maxTokens: number;
  arrival: number;
  sharesPrefix: boolean;
  ignoreEos: boolean;
  rng: Random;
  eosProbability: number;
  failureRate: number;
  failureTypes: readonly string[];
  output: Generation;
}

/**
 * One request inside the engine. Its fate (how many tokens before EOS, whether and where it fails)
 * is drawn from its own PRNG stream at arrival, so it does not depend on scheduling.
 */
export class Sequence implements KvSequence {
  readonly id: string;
  readonly model: string;
  readonly promptTokens: number;
  readonly maxTokens: number;
  readonly arrival: number;
  readonly sharesPrefix: boolean;
  readonly rng: Random;
  readonly output: Generation;
  /** Tokens after which the sequence completes, and the reason it then reports. */
  readonly target: number;
  readonly targetReason: 'stop' | 'length';
  /** Generated-token count at which the sequence fails, or -1. */
  readonly failAt: number;
  readonly failType: string;
  state: SequenceState = 'waiting';
  generated = 0;
  blocks = 0;
  holdsPrefix = false;
  /** Prompt tokens the prefix cache served at the first scheduling; -1 before it. */
  cachedTokens = -1;

  constructor(init: SequenceInit) {
    this.id = init.id;
    this.model = init.model;
    this.promptTokens = init.promptTokens;
    this.maxTokens = init.maxTokens;
    this.arrival = init.arrival;
    this.sharesPrefix = init.sharesPrefix;
    this.rng = init.rng;
    this.output = init.output;
    const eosAt = init.ignoreEos
      ? Number.POSITIVE_INFINITY
      : geometric(init.rng, init.eosProbability);
    this.target = Math.min(eosAt, init.maxTokens);
    this.targetReason = eosAt < init.maxTokens ? 'stop' : 'length';
    const fails = init.failureRate > 0 && init.rng() < init.failureRate;
    this.failAt = fails ? randomInt(init.rng, 0, this.target - 1) : -1;
    this.failType = init.failureTypes[randomInt(init.rng, 0, init.failureTypes.length - 1)]!;
  }

  get contextTokens(): number {
    return this.promptTokens + this.generated;
  }
}
