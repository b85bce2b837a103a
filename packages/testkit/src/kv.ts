/** What the KV cache needs to know about a sequence. */
export interface KvSequence {
  /** Tokens whose keys and values the sequence holds: prompt plus generated. */
  readonly contextTokens: number;
  /** Whether the prompt starts with the engine's shared prefix. */
  readonly sharesPrefix: boolean;
  /** Blocks the sequence owns (its shared prefix blocks are not counted here). */
  blocks: number;
  /** True while the sequence holds a reference on the shared prefix blocks. */
  holdsPrefix: boolean;
}

/**
 * A paged KV cache with a fixed block budget, as vLLM's block manager: each sequence owns
 * ceil(tokens / blockSize) blocks, except that the full blocks of a prefix every prompt shares
 * (the chat template and system prompt) are stored once and reference-counted. Those blocks stay
 * cached after the last user ends, counted as free but reusable (a prefix-cache hit), until an
 * allocation needs the room and evicts them.
 */
export class KvCache {
  readonly total: number;
  readonly blockSize: number;
  /** Full blocks of the shared prefix; a partial last block is never shared. */
  readonly prefixBlocks: number;
  #owned = 0;
  #prefixRefs = 0;
  #prefixCached = false;

  constructor(total: number, blockSize: number, sharedPrefixTokens: number) {
    this.total = total;
    this.blockSize = blockSize;
    this.prefixBlocks = Math.floor(sharedPrefixTokens / blockSize);
  }

  /** Blocks a new allocation may take (idle cached prefix blocks count as free). */
  get free(): number {
    return this.total - this.#owned - (this.#prefixRefs > 0 ? this.prefixBlocks : 0);
  }

  /** Fraction of blocks in use, 0–1; cached blocks nobody references count as free, as in vLLM. */
  get usage(): number {
    return (this.total - this.free) / this.total;
  }

  /** Blocks a sequence with `tokens` context owns, given whether it shares the prefix. */
  blocksFor(tokens: number, sharesPrefix: boolean): number {
    const shared = sharesPrefix && this.prefixBlocks > 0 ? this.prefixBlocks * this.blockSize : 0;
    return Math.ceil(Math.max(0, tokens - shared) / this.blockSize);
  }

  /** Whether the sequence fits with room for its next token, keeping `reserve` blocks free. */
  canAdmit(seq: KvSequence, reserve: number): boolean {
    const prefix = seq.sharesPrefix && this.#prefixRefs === 0 ? this.prefixBlocks : 0;
    return this.blocksFor(seq.contextTokens + 1, seq.sharesPrefix) + prefix <= this.free - reserve;
  }

  /** Prompt tokens of `seq` the prefix cache would serve if it were admitted now. */
  cachedPrefixTokens(seq: KvSequence): number {
    return seq.sharesPrefix && this.#prefixCached ? this.prefixBlocks * this.blockSize : 0;
  }

  /** Allocates a sequence's blocks; returns the prompt tokens served from the prefix cache. */
  admit(seq: KvSequence): number {
    const hit = this.cachedPrefixTokens(seq);
    if (seq.sharesPrefix && this.prefixBlocks > 0) {
      this.#prefixRefs++;
      this.#prefixCached = true;
      seq.holdsPrefix = true;
    }
    const need = this.blocksFor(seq.contextTokens + 1, seq.sharesPrefix);
    this.#take(need);
    seq.blocks = need;
    return hit;
  }

  /** Makes room for one more token; false when the cache is full (the caller preempts). */
  grow(seq: KvSequence): boolean {
    const need = this.blocksFor(seq.contextTokens + 1, seq.holdsPrefix) - seq.blocks;
    if (need <= 0) return true;
    if (need > this.free) return false;
    this.#take(need);
    seq.blocks += need;
    return true;
  }

  /** Frees a sequence's blocks (it ended, or was preempted and will recompute). */
  release(seq: KvSequence): void {
    this.#owned -= seq.blocks;
    seq.blocks = 0;
    if (seq.holdsPrefix) {
      seq.holdsPrefix = false;
      this.#prefixRefs--;
    }
  }

  #take(n: number): void {
    this.#owned += n;
    // Owned blocks reaching into the idle cached prefix evict it: the next user recomputes it.
    if (this.#prefixRefs === 0 && this.#owned > this.total - this.prefixBlocks)
      this.#prefixCached = false;
  }
}
