import type { Random } from './prng.js';

// Word pieces about the size of real BPE tokens, so streamed text looks like text.
const PIECES = [
  ' the',
  ' model',
  ' token',
  ' cache',
  ' batch',
  ' request',
  ' latency',
  ' of',
  ' and',
  ' to',
  ' in',
  ' a',
  ' is',
  ' that',
  ' for',
  ' GPU',
  ' memory',
  ' block',
  ' queue',
  ' step',
  ' each',
  ' when',
  ' with',
  ' prefill',
  ' decode',
  ' time',
  ' first',
  ' output',
  ' under',
  ' load',
  ' it',
  ' runs',
  ' waits',
  ' more',
  ' than',
  ' one',
  ' we',
  ' can',
  ' see',
  ' how',
  ',',
  ' throughput',
];

/** The text of one generated token. */
export function tokenText(rng: Random): string {
  return PIECES[Math.floor(rng() * PIECES.length)]!;
}

/**
 * Estimates the tokens of a prompt: about four characters per token, the usual rule of thumb
 * for English with BPE tokenizers. At least one token.
 *
 * @example
 * countTokens('Hello, how are you?') // 5
 */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
