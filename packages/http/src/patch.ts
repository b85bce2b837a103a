import { byteLength } from './bytes.js';
import type { Exchange } from './exchange.js';

/**
 * The one place inferlens replaces functions of Node objects, to count body bytes and see the
 * first one (Node has no public event for a write). Only tracked requests are touched; why each
 * way is used is in the README's "How it works".
 *
 * - A request or response whose prototype is Node's own (Fastify, @hono/node-server, a plain
 *   server, HTTP/2 compat, test doubles) gets its own `write`/`end` (or `push`), closures that
 *   hold its exchange.
 * - One whose prototype a framework swapped (Express, every request) would pay V8 several
 *   microseconds for a new own property, so there the framework's own prototype (the link just
 *   above Node's class, e.g. Express's `response`) gets the wrappers, once, and finds the
 *   exchange in the framework's per-request storage (Express's `res.locals`).
 */

/** The framework's per-request object for a request or response (Express: `res.locals`). */
export type RequestStorage = (reqOrRes: object) => object | undefined;

/** The key of the exchange in a framework's per-request storage. */
const EXCHANGE = Symbol('inferlens.exchange');

type Fn = (...args: unknown[]) => unknown;
type Holder = { [EXCHANGE]?: Exchange<unknown> };
interface Body {
  write?: unknown;
  end?: unknown;
  push?: unknown;
  destroyed?: boolean;
}

/** Framework prototypes already wrapped, and a bound on them (one per copy of a framework). */
const wrapped = new WeakSet<object>();
let wrappedCount = 0;
const MAX_WRAPPED = 16;

/** The response inside the original `end` of a framework prototype (its end may call write). */
let ending: object | undefined;

/** The last direct prototype seen per Node class name, and its framework prototype. */
const lastSeen = new Map<string, [object, Record<string, unknown> | undefined]>();

/**
 * The framework's own prototype of `obj`: the link of its chain whose prototype is Node's class
 * `name`. Undefined when `obj`'s own prototype is Node's (nothing was swapped) or it is no such
 * instance. The walk is remembered for the last direct prototype (one per app in Express).
 */
function frameworkPrototype(obj: object, name: string): Record<string, unknown> | undefined {
  const direct = Object.getPrototypeOf(obj);
  const last = lastSeen.get(name);
  if (last !== undefined && last[0] === direct) return last[1];
  const found = walk(obj, name);
  if (direct !== null) lastSeen.set(name, [direct, found]);
  return found;
}

function walk(obj: object, name: string): Record<string, unknown> | undefined {
  let below: object = obj;
  for (let p = Object.getPrototypeOf(obj); p !== null; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, 'constructor') && (p.constructor as { name?: string }).name === name)
      return below === obj ? undefined : (below as Record<string, unknown>);
    below = p;
  }
  return undefined;
}

/**
 * Stores `ex` in the framework's storage of `obj` and wraps the framework's prototype once.
 * False when that is not possible, for which the caller patches the instance.
 */
function storeOnPrototype(
  ex: Exchange<unknown>,
  obj: object,
  name: string,
  storage: RequestStorage | undefined,
  wrap: (proto: Record<string, unknown>, storage: RequestStorage) => void,
): boolean {
  if (storage === undefined) return false;
  const proto = frameworkPrototype(obj, name);
  if (proto === undefined) return false;
  const holder = storage(obj) as Holder | undefined;
  if (holder === undefined || holder === null) return false;
  if (!wrapped.has(proto)) {
    if (wrappedCount >= MAX_WRAPPED) return false;
    wrap(proto, storage);
    wrapped.add(proto);
    wrappedCount++;
  }
  holder[EXCHANGE] = ex;
  return true;
}

const exchangeIn = (storage: RequestStorage, obj: object): Exchange<unknown> | undefined =>
  (storage(obj) as Holder | undefined)?.[EXCHANGE];

function replace(proto: Record<string, unknown>, key: string, make: (original: Fn) => Fn): void {
  const original = proto[key];
  if (typeof original === 'function')
    Object.defineProperty(proto, key, {
      value: make(original as Fn),
      writable: true,
      configurable: true,
    });
}

function wrapResponsePrototype(proto: Record<string, unknown>, storage: RequestStorage): void {
  replace(
    proto,
    'write',
    (write) =>
      function (this: Body, chunk: unknown, encoding?: unknown): unknown {
        const ex = exchangeIn(storage, this);
        if (ex !== undefined && ending !== this && this.destroyed !== true)
          ex.sent(byteLength(chunk, encoding));
        // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
        return write.apply(this, arguments as unknown as unknown[]);
      },
  );
  replace(
    proto,
    'end',
    (end) =>
      function (this: Body, chunk?: unknown, encoding?: unknown): unknown {
        const ex = exchangeIn(storage, this);
        if (ex !== undefined && typeof chunk !== 'function' && this.destroyed !== true)
          ex.sent(byteLength(chunk, encoding));
        const outer = ending;
        ending = this;
        try {
          // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
          return end.apply(this, arguments as unknown as unknown[]);
        } finally {
          ending = outer;
        }
      },
  );
}

function wrapRequestPrototype(proto: Record<string, unknown>, storage: RequestStorage): void {
  replace(
    proto,
    'push',
    (push) =>
      function (this: Body, chunk: unknown, encoding?: unknown): unknown {
        const ex = exchangeIn(storage, this);
        if (ex !== undefined && chunk !== null) ex.received(byteLength(chunk, encoding));
        // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
        return push.apply(this, arguments as unknown as unknown[]);
      },
  );
}

/**
 * Counts the body bytes of one response, and takes the first as its first byte. The functions
 * made per request are anonymous: a named one gets a `name` property defined on every creation
 * when the source runs under tsx.
 */
export function countResponseBody(
  ex: Exchange<unknown>,
  res: Body,
  storage: RequestStorage | undefined,
): void {
  if (storeOnPrototype(ex, res, 'ServerResponse', storage, wrapResponsePrototype)) return;
  const write = res.write as Fn;
  const end = res.end as Fn;
  // Some responses' end() calls write() with the chunk end() was given, already counted.
  let inEnd = false;
  res.write = function (this: unknown, chunk: unknown, encoding?: unknown): unknown {
    if (!inEnd && res.destroyed !== true) ex.sent(byteLength(chunk, encoding));
    // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
    return write.apply(this, arguments as unknown as unknown[]);
  };
  res.end = function (this: unknown, chunk?: unknown, encoding?: unknown): unknown {
    if (typeof chunk !== 'function' && res.destroyed !== true) ex.sent(byteLength(chunk, encoding));
    inEnd = true;
    try {
      // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
      return end.apply(this, arguments as unknown as unknown[]);
    } finally {
      inEnd = false;
    }
  };
}

/**
 * Counts the request body bytes as the HTTP parser pushes them, plus those it buffered before
 * the middleware ran.
 */
export function countRequestBody(
  ex: Exchange<unknown>,
  req: Body & { readableLength?: number },
  storage: RequestStorage | undefined,
): void {
  ex.received(req.readableLength ?? 0);
  if (storeOnPrototype(ex, req, 'IncomingMessage', storage, wrapRequestPrototype)) return;
  const push = req.push as Fn;
  req.push = function (this: unknown, chunk: unknown, encoding?: unknown): unknown {
    if (chunk !== null) ex.received(byteLength(chunk, encoding));
    // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
    return push.apply(this, arguments as unknown as unknown[]);
  };
}
