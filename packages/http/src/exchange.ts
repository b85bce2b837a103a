import type { GaugeSeries } from '@inferlens/core/internal';
import type { HttpRecorder } from './recorder.js';

/**
 * One request from the moment it reaches the middleware until it ends: the one place its state
 * lives, whatever the framework. Adapters feed it what only they can see (bytes read and written,
 * the first body byte, the route, a thrown error) and end it with {@link Exchange.end}, the one
 * function that ends a request; everything after the first `end` is ignored, so "recorded exactly
 * once" holds even when a framework reports both a finish and a close.
 */
export class Exchange<Req = unknown> {
  readonly req: Req;
  /** The `method` label value. */
  readonly method: string;
  /** Lens clock at arrival, in milliseconds. */
  readonly start: number;
  bytesIn = 0;
  bytesOut = 0;
  /** Lens clock at the first body byte; -1 until then. */
  firstByteAt = -1;
  /** The route template, when the adapter knows it before the end (Fastify, Hono). */
  route: string | undefined = undefined;
  /** True when the handler threw (or the body stream errored). */
  failed = false;
  ended = false;
  readonly #recorder: HttpRecorder<Req>;
  readonly #inFlight: GaugeSeries;

  constructor(
    recorder: HttpRecorder<Req>,
    req: Req,
    method: string,
    inFlight: GaugeSeries,
    start: number,
  ) {
    this.#recorder = recorder;
    this.req = req;
    this.method = method;
    this.#inFlight = inFlight;
    this.start = start;
  }

  /** `n` response body bytes went out; the first non-empty write is the first byte. */
  sent(n: number): void {
    if (!(n > 0) || this.ended) return;
    if (this.firstByteAt < 0) this.firstByteAt = this.#recorder.lens.now();
    this.bytesOut += n;
  }

  /** `n` request body bytes came in. */
  received(n: number): void {
    if (n > 0 && !this.ended) this.bytesIn += n;
  }

  /** Marks the request as failed by the application (a thrown error, a broken body stream). */
  fail(): void {
    this.failed = true;
  }

  /**
   * Ends the request with its status: `aborted` when the client went away before the response
   * was complete. Only the first call counts.
   */
  end(status: number, aborted: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.#inFlight.value--;
    this.#recorder.finish(this, status, aborted);
  }
}
