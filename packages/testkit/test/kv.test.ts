import { describe, expect, it } from 'vitest';
import { KvCache, type KvSequence } from '../src/kv.js';

const seq = (
  contextTokens: number,
  sharesPrefix = true,
): KvSequence & { contextTokens: number } => ({
  contextTokens,
  sharesPrefix,
  blocks: 0,
  holdsPrefix: false,
});

describe('KvCache', () => {
  it('stores the shared prefix once and serves it as cache hits while it stays cached', () => {
    const kv = new KvCache(10, 16, 40); // 2 full prefix blocks; the 8 tokens past them are private
    const a = seq(50);
    expect(kv.admit(a)).toBe(0); // the first user computes the prefix
    expect(a.blocks).toBe(2); // 50 + 1 - 32 shared tokens = 19 tokens
    expect(kv.free).toBe(6);
    const b = seq(50);
    expect(kv.admit(b)).toBe(32);
    expect(kv.free).toBe(4);
    expect(kv.usage).toBeCloseTo(0.6, 12);
    kv.release(a);
    kv.release(b);
    expect(kv.free).toBe(10); // idle cached blocks count as free, as vLLM reports them
    expect(kv.usage).toBe(0);
    expect(kv.admit(seq(20))).toBe(32); // still cached
  });

  it('evicts the idle cached prefix when an allocation needs its blocks', () => {
    const kv = new KvCache(10, 16, 32);
    const a = seq(20);
    kv.admit(a);
    kv.release(a);
    const big = seq(16 * 9, false);
    kv.admit(big); // 10 blocks: reaches into the cached prefix
    kv.release(big);
    expect(kv.admit(seq(40))).toBe(0);
  });

  it('grows one block at a time and refuses when full', () => {
    const kv = new KvCache(3, 4, 0);
    const a = seq(3, false);
    kv.admit(a); // 4 tokens -> 1 block
    expect(kv.canAdmit(seq(7, false), 0)).toBe(true); // 8 tokens -> 2 blocks
    expect(kv.canAdmit(seq(8, false), 0)).toBe(false); // 9 tokens -> 3 blocks
    expect(kv.canAdmit(seq(7, false), 1)).toBe(false); // with one block reserved
    a.contextTokens = 4;
    expect(kv.grow(a)).toBe(true);
    expect(a.blocks).toBe(2);
    a.contextTokens = 12;
    expect(kv.grow(a)).toBe(false); // needs 4 blocks in all
    a.contextTokens = 11;
    expect(kv.grow(a)).toBe(true);
    expect(kv.free).toBe(0);
  });
});
