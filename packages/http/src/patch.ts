import { byteLength } from './bytes.js';
import type { Exchange } from './exchange.js';

/**
 * The one place inferlens replaces functions of Node objects, to count body bytes and see the
 * first one (Node has no public event for a write). Only tracked requests are touched; why each
 * way is used is in the README's "How it works".
 *
 * - A request or response whose prototype is Node's own (Fastify, @hono/node-server, a plain
 *   server, HTTP/2 compat, test doubles) gets the exchange under a symbol and, as its own
 *   `write`/`end` (or `push`), functions shared by every tracked object, which call on to the
 *   prototype's. Nothing is allocated per request for them: closures made per request cost a
 *   hello world about 60 ns more (bench `.bench-out` probe, real `ServerResponse` objects).
 *   An object whose `write`/`end` someone already replaced gets wrappers of its own that call theirs.
 * - One whose prototype a framework swapped (Express, every request) would pay V8 several
 *   microseconds for a new own property, so there the framework's own prototype (the link just
 *   above Node's class, e.g. Express's `response`) gets the wrappers, once, and finds the
 *   exchange in the framework's per-request storage (Express's `res.locals`).
 *
 * `end` reads the clock once: that instant is the first byte when no write came before, and the
 * end of the request when `end()` handed the whole body to the socket at once (nothing left
 * buffered). What else ends a request (a client that leaves, a body sent late) is seen through the
 * HTTP/1 connection's one `close` listener, or a `close` listener on the response.
 */

/** The framework's per-request object for a request or response (Express: `res.locals`). */
export type RequestStorage = (reqOrRes: object) => object | undefined;

/** Where a tracked object (or its framework storage) keeps its exchange. */
const EXCHANGE = Symbol('inferlens.exchange');

type Fn = (...args: unknown[]) => unknown;
type Holder = { [EXCHANGE]?: Exchange<unknown> };
interface Body {
  write?: unknown;
  end?: unknown;
  push?: unknown;
  writableEnded?: boolean;
  writableLength?: number;
}
type Find = (obj: Body) => Exchange<unknown> | undefined;

/** The response inside an original `end` (some `end`s call `write` with the chunk, counted). */
let ending: object | undefined;

/** A `write` that counts the chunk, then calls the `write` that `original` gives. */
function makeWrite(find: Find, original: (obj: Body) => Fn): Fn {
  return function trackedWrite(this: Body, chunk: unknown, encoding?: unknown): unknown {
    const ex = find(this);
    // A write after the client left is not counted: its close has ended the exchange.
    if (ex !== undefined && ending !== this) ex.sent(byteLength(chunk, encoding));
    // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
    return original(this).apply(this, arguments as unknown as unknown[]);
  };
}

/**
 * An `end` that counts the last chunk and, when the socket took the whole body at once (or the
 * response waits whole behind a pipelined one), ends the exchange there. A body left buffered on
 * the socket ends at the response's `close`, once sent. `onInstance`:
 * the exchange is on the response itself, which may be followed through its connection (see
 * {@link openOnConnection}); it then leaves the connection's list, or gets its `close` listener
 * now. Every property read here costs little on Node's own responses but up to 100 ns on
 * Express's, whose prototype chain V8 keeps in dictionary mode, so it reads as few as it can.
 */
function makeEnd(find: Find, original: (obj: Body) => Fn, onInstance: boolean): Fn {
  return function trackedEnd(this: Body, chunk?: unknown, encoding?: unknown): unknown {
    const ex = find(this);
    if (ex === undefined || ex.ended || ex.endCalled)
      // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
      return original(this).apply(this, arguments as unknown as unknown[]);
    ex.endCalled = true;
    const at = ex.now();
    if (typeof chunk !== 'function') ex.sent(byteLength(chunk, encoding), at);
    const outer = ending;
    ending = this;
    let result: unknown;
    try {
      // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
      result = original(this).apply(this, arguments as unknown as unknown[]);
    } finally {
      ending = outer;
    }
    const res = this as Body & Closing;
    // Done: the socket took the whole body, or (HTTP/1 pipelining) the body waits whole in Node
    // for the responses ahead of it on the connection, which is not this request's work.
    if (res.writableLength === 0 || res.socket === null) {
      ex.bodyDone(at);
      ex.end(res.statusCode, false);
      if (onInstance) leaveConnection(ex, res);
    } else if (onInstance && !ex.ended) res.on('close', sharedClose);
    return result;
  };
}

/** A `push` (what the HTTP parser calls with each request body chunk) that counts the chunk. */
function makePush(find: Find, original: (obj: Body) => Fn): Fn {
  return function trackedPush(this: Body, chunk: unknown, encoding?: unknown): unknown {
    const ex = find(this);
    if (ex !== undefined && chunk !== null) ex.received(byteLength(chunk, encoding));
    // biome-ignore lint/complexity/noArguments: pass through exactly what the caller gave
    return original(this).apply(this, arguments as unknown as unknown[]);
  };
}

// The shared instance wrappers: the exchange is the object's own, the original its prototype's.
const own: Find = (obj) => (obj as Holder)[EXCHANGE];
const protoOf = (key: 'write' | 'end' | 'push') => (obj: Body) =>
  (Object.getPrototypeOf(obj) as Record<string, Fn>)[key]!;
const sharedWrite = makeWrite(own, protoOf('write'));
const sharedEnd = makeEnd(own, protoOf('end'), true);
const sharedPush = makePush(own, protoOf('push'));

/** Framework prototypes already wrapped, and a bound on them (one per copy of a framework). */
const wrapped = new WeakSet<object>();
let wrappedCount = 0;
const MAX_WRAPPED = 16;

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

type Keys = readonly ('write' | 'end' | 'push')[];
const MAKERS = {
  write: makeWrite,
  end: (find: Find, original: (obj: Body) => Fn) => makeEnd(find, original, false),
  push: makePush,
};

/** Wraps `keys` of a framework prototype once; the exchange is found in the framework storage. */
function wrapPrototype(proto: Record<string, unknown>, keys: Keys, storage: RequestStorage): void {
  const find: Find = (obj) => (storage(obj) as Holder | undefined)?.[EXCHANGE];
  for (const key of keys) {
    const original = proto[key];
    if (typeof original === 'function')
      Object.defineProperty(proto, key, {
        value: MAKERS[key](find, () => original as Fn),
        writable: true,
        configurable: true,
      });
  }
}

/**
 * Stores `ex` in the framework's storage of `obj` and wraps `proto`, the framework's prototype of
 * `obj`, once. False when that is not possible, for which the caller patches the instance.
 */
function storeOnPrototype(
  ex: Exchange<unknown>,
  obj: object,
  proto: Record<string, unknown>,
  storage: RequestStorage,
  keys: Keys,
): boolean {
  const holder = storage(obj) as Holder | undefined;
  if (holder === undefined || holder === null) return false;
  if (!wrapped.has(proto)) {
    if (wrappedCount >= MAX_WRAPPED) return false;
    wrapPrototype(proto, keys, storage);
    wrapped.add(proto);
    wrappedCount++;
  }
  holder[EXCHANGE] = ex;
  return true;
}

/** What the `close` listener needs of a response. */
interface Closing {
  readonly headersSent: boolean;
  readonly statusCode: number;
  readonly writableEnded: boolean;
  /** HTTP/1: the connection, or null while the response waits behind a pipelined one. */
  readonly socket?: unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** Closed before `end()` was called is an abort; the status is the one sent, if any. */
function endOf(ex: Exchange<unknown> | undefined, res: Closing): void {
  if (ex === undefined || ex.ended) return;
  ex.end(res.headersSent ? res.statusCode : 0, !res.writableEnded);
}

/** The `close` listener every tracked response with its exchange on itself shares. */
function sharedClose(this: Closing & Holder): void {
  const ex = this[EXCHANGE];
  endOf(ex, this);
  if (ex !== undefined) leaveConnection(ex, this);
}

/** The tracked responses of an HTTP/1 connection that may still be open, oldest first. */
const OPEN = Symbol('inferlens.open');

interface Connection {
  on(event: 'close', listener: () => void): unknown;
  [OPEN]?: (Closing & Holder)[];
}

/** The connection's one `close` listener: what is still open on it ends (an abort, if unsent). */
function connectionClosed(this: Connection): void {
  const open = this[OPEN];
  if (open === undefined) return;
  this[OPEN] = [];
  for (const res of open) endOf(res[EXCHANGE], res);
}

/**
 * Follows `res` through its HTTP/1 connection rather than with a listener of its own: one `close`
 * listener per connection serves every request on it (a keep-alive connection carries
 * thousands), which spares each request about 100 ns (bench `dispatch` probe, Fastify and Hono).
 * The request then ends in `end()` when the socket takes the body whole, or at the response's
 * `close` (listened to from `end()`), or when the connection closes first: the client left. False
 * for anything else (HTTP/2 compat, test doubles), which gets a listener of its own.
 */
function openOnConnection(
  ex: Exchange<unknown>,
  res: Closing & Holder,
  req: NodeRequestParts,
): boolean {
  if (req.httpVersionMajor !== 1) return false;
  const conn = req.socket as Connection | null | undefined;
  if (conn === null || typeof conn !== 'object' || typeof conn.on !== 'function') return false;
  const own = res.socket;
  if (own !== conn && own !== null) return false;
  let open = conn[OPEN];
  if (open === undefined) {
    open = conn[OPEN] = [];
    conn.on('close', connectionClosed);
  }
  // Anything ended that did not leave (a safety net: every end leaves) goes now.
  while (open.length > 0 && open[0]![EXCHANGE]?.ended !== false) open.shift();
  open.push(res);
  ex.connection = conn;
  return true;
}

/**
 * Takes an ended response off its connection's list (it is the oldest there, as a rule), at
 * once: a response left there keeps its whole request (the app's objects included) alive until
 * the next request on the connection, and every young-generation collection copies it. Left in
 * place under the bench's pipelined load, 230 KB survived each scavenge instead of 7 KB and the
 * scavenges took twice as long (docs/performance.md, HTTP section). The connection comes from the
 * exchange: a response queued behind a pipelined one has no socket yet.
 */
function leaveConnection(ex: Exchange<unknown>, res: Closing & Holder): void {
  const open = (ex.connection as Connection | undefined)?.[OPEN];
  if (open === undefined) return;
  ex.connection = undefined;
  const i = open.indexOf(res);
  if (i === 0) open.shift();
  else if (i > 0) open.splice(i, 1);
}

/** The parts of the request that tell an HTTP/1 connection. */
interface NodeRequestParts {
  readonly httpVersionMajor?: number;
  readonly socket?: unknown;
}

/**
 * Ends `ex` when the response is over: Node emits `close` on it after a complete response and
 * when the client goes away. On a response of a framework that keeps per-request storage
 * (Express) a listener holds the exchange; elsewhere the exchange goes on the response, which is
 * followed through its HTTP/1 connection or, failing that, gets a listener shared by all. Returns
 * the framework's prototype of `res` when there is one, for {@link countResponseBody}.
 */
export function endOnClose(
  ex: Exchange<unknown>,
  req: NodeRequestParts,
  res: Closing,
  storage: RequestStorage | undefined,
): Record<string, unknown> | undefined {
  const frame = storage !== undefined ? frameworkPrototype(res, 'ServerResponse') : undefined;
  // A response another recorder tracks already (two middlewares) keeps its exchange; this one
  // follows it with a listener of its own.
  if (frame !== undefined || (res as Holder)[EXCHANGE] !== undefined) {
    res.on('close', () => endOf(ex, res));
    return frame;
  }
  (res as Holder)[EXCHANGE] = ex;
  if (!openOnConnection(ex, res as Closing & Holder, req)) res.on('close', sharedClose);
  return undefined;
}

const RESPONSE_KEYS = ['write', 'end'] as const;
const REQUEST_KEYS = ['push'] as const;

/**
 * Counts the body bytes of one response, and takes the first as its first byte. `frame` is the
 * framework's prototype of `res` that {@link endOnClose} found.
 */
export function countResponseBody(
  ex: Exchange<unknown>,
  res: Body,
  storage: RequestStorage | undefined,
  frame: Record<string, unknown> | undefined,
): void {
  if (frame !== undefined && storeOnPrototype(ex, res, frame, storage!, RESPONSE_KEYS)) return;
  const write = res.write as Fn;
  const end = res.end as Fn;
  const holder = res as Holder;
  if (holder[EXCHANGE] !== undefined && holder[EXCHANGE] !== ex) {
    // Another recorder's response: wrappers of its own that hold this exchange.
    const mine: Find = () => ex;
    res.write = makeWrite(mine, () => write);
    res.end = makeEnd(mine, () => end, false);
    return;
  }
  // Named stores, not a loop over keys: keyed stores of new properties cost 80 ns here.
  holder[EXCHANGE] = ex; // already there after endOnClose; kept for callers without it
  const proto = Object.getPrototypeOf(res) as Body | null;
  res.write = write === proto?.write ? sharedWrite : makeWrite(own, () => write);
  res.end = end === proto?.end ? sharedEnd : makeEnd(own, () => end, true);
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
  const frame = storage !== undefined ? frameworkPrototype(req, 'IncomingMessage') : undefined;
  if (frame !== undefined && storeOnPrototype(ex, req, frame, storage!, REQUEST_KEYS)) return;
  const push = req.push as Fn;
  const holder = req as Holder;
  if (holder[EXCHANGE] !== undefined && holder[EXCHANGE] !== ex) {
    req.push = makePush(
      () => ex,
      () => push,
    );
    return;
  }
  holder[EXCHANGE] = ex;
  req.push =
    push === (Object.getPrototypeOf(req) as Body | null)?.push
      ? sharedPush
      : makePush(own, () => push);
}
