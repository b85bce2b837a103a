/** One output of the engine for one request: one decode step's token. */
export interface TokenChunk {
  text: string;
  /** Tokens in this chunk (1: the simulator emits one token per step). */
  tokens: number;
  /** Position of the chunk's first token in the output, from 0. */
  index: number;
  /** Set on the last chunk of a request that completed. */
  finishReason?: 'stop' | 'length';
}

/**
 * Token counts of a finished generation, as an OpenAI `usage` object has them.
 *
 * @example
 * const { usage } = await gen.done; console.log(usage.completionTokens);
 */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Prompt tokens served from the prefix cache. */
  cachedTokens: number;
}

/** How a request ended. `stop` and `length` complete; `abort` and `error` do not. */
export interface GenerationResult {
  id: string;
  finishReason: 'stop' | 'length' | 'abort' | 'error';
  /** The failure's type when `finishReason` is `error`. */
  errorType?: string;
  usage: Usage;
}

/**
 * The error a failed generation throws from its iteration; `type` is the injected error type.
 *
 * @example
 * try { for await (const c of gen) out += c.text; } catch (e) { if (e instanceof SimulatedEngineError) console.log(e.type); }
 */
export class SimulatedEngineError extends Error {
  readonly type: string;
  constructor(type: string, id: string) {
    super(`simulated engine failure (${type}) in request ${id}`);
    this.name = 'SimulatedEngineError';
    this.type = type;
  }
}

/**
 * The output of `engine.generate()`: iterate it for token chunks. Breaking out of the loop aborts
 * the request. A failed request throws {@link SimulatedEngineError}; an aborted one just ends.
 * `done` resolves with the finish reason and usage however the request ends; it never rejects.
 *
 * @example
 * const gen = engine.generate({ prompt: 'Hi', maxTokens: 32 });
 * for await (const chunk of gen) process.stdout.write(chunk.text);
 * const { finishReason, usage } = await gen.done;
 */
export class Generation implements AsyncIterable<TokenChunk> {
  readonly id: string;
  readonly model: string;
  readonly promptTokens: number;
  readonly done: Promise<GenerationResult>;
  #resolve!: (r: GenerationResult) => void;
  readonly #cancel: () => void;
  readonly #chunks: TokenChunk[] = [];
  #ended = false;
  #error: SimulatedEngineError | undefined;
  #wake: (() => void) | undefined;
  #iterated = false;

  /** Made by the engine; `cancel` aborts the request when the consumer stops early. */
  constructor(id: string, model: string, promptTokens: number, cancel: () => void) {
    this.id = id;
    this.model = model;
    this.promptTokens = promptTokens;
    this.#cancel = cancel;
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Aborts the request (same as aborting its signal). No effect once it has ended. */
  abort(): void {
    if (!this.#ended) this.#cancel();
  }

  /** @internal */
  push(chunk: TokenChunk): void {
    this.#chunks.push(chunk);
    this.#notify();
  }

  /** @internal Ends the stream; with an error, iteration throws it after the buffered chunks. */
  end(result: GenerationResult, error?: SimulatedEngineError): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#resolve(result);
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TokenChunk, void, undefined> {
    if (this.#iterated)
      throw new TypeError('[@inferlens/testkit] a generation can be iterated once');
    this.#iterated = true;
    let read = 0;
    try {
      while (true) {
        if (read < this.#chunks.length) {
          const chunk = this.#chunks[read++]!;
          // Empty the buffer once it is read, so a long generation holds only unread chunks.
          if (read === this.#chunks.length) {
            this.#chunks.length = 0;
            read = 0;
          }
          yield chunk;
        } else if (this.#ended) {
          if (this.#error) throw this.#error;
          return;
        } else {
          await new Promise<void>((wake) => {
            this.#wake = wake;
          });
        }
      }
    } finally {
      // Reached with the request still running only when the consumer stopped early.
      if (!this.#ended) this.#cancel();
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
