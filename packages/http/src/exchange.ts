import type { MethodSeries } from './handles.js';
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
  /**
   * Lens clock when `end()` handed the whole rest of the body over (to the socket at once, or to
   * Node behind a pipelined response); -1 until then, or when some of it stayed buffered on the
   * socket (the request then ends when the response closes).
   */
  doneAt = -1;
  /** The route template, when the adapter knows it before the end (Fastify, Hono). */
  route: string | undefined = undefined;
  /** True once the response's `end()` was called (a second call sends nothing more). */
  endCalled = false;
  /** True when the handler threw (or the body stream errored). */
  failed = false;
  ended = false;
  /**
   * The HTTP/1 connection that lists this request's response as open, until the request ends
   * (patch.ts); undefined for a response followed otherwise.
   */
  connection: object | undefined = undefined;
  readonly #recorder: HttpRecorder<Req>;
  /** The in-flight gauge and route handles of this request's method. */
  readonly perMethod: MethodSeries;

  constructor(
    recorder: HttpRecorder<Req>,
    req: Req,
    method: string,
    perMethod: MethodSeries,
    start: number,
  ) {
    this.#recorder = recorder;
    this.req = req;
    this.method = method;
    this.perMethod = perMethod;
    this.start = start;
  }

  /** The lens clock, in milliseconds. */
  now(): number {
    return this.#recorder.lens.now();
  }

  /**
   * `n` response body bytes went out (at `at` on the lens clock, when the caller has read it);
   * the first non-empty write is the first byte.
   */
  sent(n: number, at?: number): void {
    if (!(n > 0) || this.ended) return;
    if (this.firstByteAt < 0) this.firstByteAt = at ?? this.#recorder.lens.now();
    this.bytesOut += n;
  }

  /** The whole body was handed to the socket at `at`: the end of the request, if it completes. */
  bodyDone(at: number): void {
    if (!this.ended && this.doneAt < 0) this.doneAt = at;
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
    this.perMethod.inFlight.value--;
    this.#recorder.finish(this, status, aborted);
  }
}
