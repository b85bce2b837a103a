import { byteLength } from './bytes.js';
import type { Exchange } from './exchange.js';

/** Where the exchange of a Node request or response is kept, so shared wrappers can find it. */
const EXCHANGE = Symbol('inferlens.exchange');

/**
 * Where a framework keeps per-request data of its own, for objects whose prototype it swapped
 * (Express: `res.locals`). See {@link trackNodeExchange}.
 */
export type ExchangeSlot = (reqOrRes: object) => object | undefined;

/**
 * Node's own `ServerResponse` and `IncomingMessage` prototypes, once wrapped. Their direct
 * instances (Fastify's, @hono/node-server's, a plain `http` server's) carry the exchange in a
 * property: V8 caches that map transition, so the write costs nanoseconds. An object whose
 * prototype a framework swapped (Express does, for every request and response) has a map of its
 * own, so a new property costs V8 a new map: 1.5 µs and more GC, measured. Those keep the exchange
 * in the slot their adapter names, found by prototype (a WeakMap instead cost more in GC than it
 * saved). Without a slot, the property it is.
 */
const direct = new Set<object>();
const slots = new Map<object, ExchangeSlot>();
/** Prototypes with a slot: one per app for Express; a bound, not a cache. */
const MAX_SLOTS = 64;

function tag(obj: object, ex: Exchange<unknown>, slot: ExchangeSlot | undefined): void {
  const proto = Object.getPrototypeOf(obj);
  if (slot !== undefined && !direct.has(proto)) {
    const holder = slot(obj) as Tagged | undefined;
    if (holder !== undefined && (slots.has(proto) || slots.size < MAX_SLOTS)) {
      slots.set(proto, slot);
      holder[EXCHANGE] = ex;
      return;
    }
  }
  (obj as Tagged)[EXCHANGE] = ex;
}

function exchangeOf(obj: object): Exchange<unknown> | undefined {
  const proto = Object.getPrototypeOf(obj);
  if (direct.has(proto)) return (obj as Tagged)[EXCHANGE];
  const slot = slots.get(proto);
  return (slot === undefined ? (obj as Tagged) : (slot(obj) as Tagged | undefined))?.[EXCHANGE];
}

/** Set on a prototype whose write/end (or push) report to exchanges. */
const WRAPPED = Symbol('inferlens.wrapped');

type Fn = (...args: unknown[]) => unknown;

/** The parts of `http.IncomingMessage` the tracker touches. */
export interface NodeRequestLike {
  // Method syntax: parameters compare bivariantly, so Node's own signatures fit.
  push?(chunk: unknown, encoding?: string): unknown;
  readableLength?: number;
}

/** The parts of `http.ServerResponse` the tracker touches. */
export interface NodeResponseLike {
  write(chunk: unknown, encoding?: string): unknown;
  end(chunk?: unknown, encoding?: string): unknown;
  on(event: 'close', listener: () => void): unknown;
  readonly headersSent: boolean;
  readonly statusCode: number;
  readonly writableEnded: boolean;
  readonly destroyed?: boolean;
}

interface Tagged {
  [EXCHANGE]?: Exchange<unknown>;
  [WRAPPED]?: true;
  destroyed?: boolean;
}

/** `write` that reports the bytes of the tracked exchange, then calls `original`. */
function reportingWrite(original: Fn): Fn {
  return function write(this: Tagged, chunk: unknown, encoding?: unknown): unknown {
    const ex = exchangeOf(this);
    // Inside end() the chunk was counted already (some responses' end() calls write()).
    if (ex !== undefined && !ex.inEnd && this.destroyed !== true)
      ex.sent(byteLength(chunk, encoding));
    // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

/** `end` that reports its last chunk, then calls `original`. */
function reportingEnd(original: Fn): Fn {
  return function end(this: Tagged, chunk?: unknown, encoding?: unknown): unknown {
    const ex = exchangeOf(this);
    // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
    if (ex === undefined) return original.apply(this, arguments as unknown as unknown[]);
    if (typeof chunk !== 'function' && this.destroyed !== true)
      ex.sent(byteLength(chunk, encoding));
    ex.inEnd = true;
    try {
      // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
      return original.apply(this, arguments as unknown as unknown[]);
    } finally {
      ex.inEnd = false;
    }
  };
}

/** Ends `ex` with what `res` shows at its close: aborted when `end()` was never called. */
function endOnClose(ex: Exchange<unknown>, res: NodeResponseLike): void {
  ex.end(res.headersSent ? res.statusCode : 0, !res.writableEnded);
}

/**
 * `emit` that ends the exchange of a direct `ServerResponse` when Node emits its `close` (after a
 * complete response, and when the client goes away), then emits as before. In paired runs inside
 * one Fastify server process, an empty `close` listener added per request cost 1.6–4.3 % of a
 * hello-world request's CPU (four runs); this check per emit (Node emits four per response) cost
 * 0.6 % in the run that set the two side by side.
 */
function reportingEmit(original: Fn): Fn {
  return function emit(this: Tagged & NodeResponseLike, type: unknown): unknown {
    if (type === 'close' && direct.has(Object.getPrototypeOf(this))) {
      const ex = (this as Tagged)[EXCHANGE];
      if (ex !== undefined) endOnClose(ex, this);
    }
    // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

/** `push` (what the HTTP parser calls with each body chunk) that counts the bytes read. */
function reportingPush(original: Fn): Fn {
  return function push(this: Tagged, chunk: unknown, encoding?: unknown): unknown {
    const ex = exchangeOf(this);
    if (ex !== undefined && chunk !== null) ex.received(byteLength(chunk, encoding));
    // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

/** The prototype in `obj`'s chain that a class named `name` owns (Node's own class, not a subclass). */
function classPrototype(obj: object, name: string): Record<PropertyKey, unknown> | undefined {
  for (let p = Object.getPrototypeOf(obj); p !== null; p = Object.getPrototypeOf(p))
    if (Object.hasOwn(p, 'constructor') && (p.constructor as { name?: string })?.name === name)
      return p;
  return undefined;
}

/**
 * Wraps `keys` once on Node's own class prototype (`ServerResponse`, `IncomingMessage`), so that
 * tracking a request afterwards costs one property write instead of three: new own properties on
 * every request object are what made per-instance wrapping measurably slow. Untracked objects
 * pay one lookup. Returns false when `obj` is not an instance of that class (HTTP/2, test
 * doubles), for which the caller wraps the instance instead.
 */
function wrapPrototype(obj: object, name: string, wrappers: [string, (f: Fn) => Fn][]): boolean {
  if ((obj as Tagged)[WRAPPED] === true) return true;
  const proto = classPrototype(obj, name);
  if (proto === undefined) return false;
  for (const [key, wrap] of wrappers) {
    const original = proto[key];
    if (typeof original !== 'function') return false;
    Object.defineProperty(proto, key, {
      value: wrap(original as Fn),
      writable: true,
      configurable: true,
    });
  }
  Object.defineProperty(proto, WRAPPED, { value: true });
  direct.add(proto);
  return true;
}

/**
 * A request that may carry a body. GET and HEAD are taken to have none (RFC 9110 §9.3.1 gives
 * such content no meaning), which spares the common case a header lookup and a property write.
 */
function mayHaveBody(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

// The direct prototype of the last response seen whose chain is wrapped: one comparison per
// request instead of a lookup through the chain.
let wrappedResponseProto: object | null = null;

/**
 * Follows one Node request/response pair: request body bytes as the parser pushes them, response
 * bytes and the first body byte as they are written (so an SSE stream's TTFB is its first event,
 * and its size what was really sent), and the end on the response's `close`, which Node emits
 * both after a complete response and when the client goes away. A response closed before
 * `end()` was called is an abort; that is what Fastify's `onResponse` never reports
 * (fastify/fastify#6208) and on-finished reports as a success. `slot`, for frameworks that swap
 * the prototype of Node's objects, names their per-request storage (Express: `res.locals`).
 */
export function trackNodeExchange<Req>(
  exchange: Exchange<Req>,
  req: NodeRequestLike,
  res: NodeResponseLike,
  method: string,
  slot?: ExchangeSlot,
): void {
  const ex = exchange as Exchange<unknown>;
  const proto = Object.getPrototypeOf(res);
  if (proto !== wrappedResponseProto) {
    if (
      wrapPrototype(res, 'ServerResponse', [
        ['write', reportingWrite],
        ['end', reportingEnd],
        ['emit', reportingEmit],
      ])
    )
      wrappedResponseProto = proto;
    else {
      res.write = reportingWrite(res.write as Fn);
      res.end = reportingEnd(res.end as Fn);
    }
  }
  tag(res, ex, slot);
  // The method first: most requests are GETs, and reading a property of an object whose
  // prototype was swapped (Express's) is a slow lookup.
  if (mayHaveBody(method) && typeof req.push === 'function') {
    // Body bytes that arrived before the middleware ran are already buffered in the request.
    ex.received(req.readableLength ?? 0);
    if (!wrapPrototype(req, 'IncomingMessage', [['push', reportingPush]]))
      req.push = reportingPush(req.push as Fn);
    tag(req, ex, slot);
  }
  // A direct ServerResponse is ended by the wrapped `emit`, which finds the exchange in its own
  // property. Anything else gets a listener that holds the exchange itself, not a lookup: an app
  // that replaces the slot object (`res.locals = {}`) then loses the byte counts of that request,
  // never its end.
  if (!direct.has(proto)) res.on('close', () => endOnClose(ex, res));
}
