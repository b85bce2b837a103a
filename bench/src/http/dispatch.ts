/**
 * `pnpm --filter @inferlens/bench dispatch [frameworks] [rounds]`: what a middleware adds to one
 * request with no socket in the way. Each variant's app (apps.ts: bare, an empty middleware, the
 * same plus a known 300 ns of CPU, inferlens, the framework's metrics peer) gets Node's own
 * `IncomingMessage`/`ServerResponse` pairs handed to its
 * request listener in this one process, as the HTTP server would hand them, and the response is
 * closed once ended. Batches of requests are timed in interleaved rounds; the figure is each
 * round's difference from the empty middleware, median and middle half.
 *
 * Why beside the socket bench (`paired`): there a request costs 11-70 µs of server CPU, most of it
 * the kernel's loopback TCP, whose cost per request moves with how many requests each read and
 * write carries; on a shared two-core machine that moves the per-round figure by several points,
 * more than the difference being measured (the calibration variant's known 300 ns has read there as
 * +0.8 to +5.9 points of bare). Here the same request path runs without the kernel, so a
 * difference of 50 ns shows. The response's socket is left out: a `writableLength` of 0 after
 * `end()` (a socket that took the body at once, as a loopback socket does for a small body) is
 * what the response reports here.
 *
 * @example
 * pnpm --filter @inferlens/bench dispatch fastify,hono 30
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { register } from 'prom-client';
import { benchApp, type Framework, type Listener, type Variant } from './apps.js';
import { FRAMEWORKS, quartiles, VARIANTS } from './load.js';
import { LABELS } from './one-process.js';

/** A response whose socket took the body at once: nothing is left buffered after `end()`. */
class TakenResponse extends ServerResponse {}
// A getter on the prototype, as Node's own is (the typings call it a property).
Object.defineProperty(TakenResponse.prototype, 'writableLength', { get: () => 0 });

const connection = new Socket();

/** One request through `listener`: resolves once the response has ended and closed. */
async function one(listener: Listener): Promise<number> {
  const req = new IncomingMessage(connection);
  req.method = 'GET';
  req.url = '/hello/world';
  req.headers = { host: 'bench' };
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.push(null);
  const res = new TakenResponse(req);
  listener(req, res);
  // The apps answer in a few microtask turns (Fastify and Hono are promise-based).
  for (let turns = 0; !res.writableEnded; turns++) {
    if (turns === 10_000) throw new Error('the app did not answer');
    await null;
  }
  res.emit('close');
  return res.statusCode;
}

export interface DispatchResult {
  framework: Framework;
  /** Nanoseconds per request by variant (median of rounds). */
  ns: Map<Variant, number>;
  /** Each round's difference from the empty middleware, by variant. */
  overNoop: Map<Variant, number[]>;
}

/** Times `batch` requests per variant per round, the order rotating every round. */
export async function dispatch(
  framework: Framework,
  rounds: number,
  batch = 4000,
): Promise<DispatchResult> {
  // The peers register on prom-client's default registry, once per process and name.
  register.clear();
  const listeners = await Promise.all(
    VARIANTS.map(async (v) => (await benchApp(framework, v)).listener()),
  );
  let sink = 0;
  for (const l of listeners) for (let i = 0; i < 2 * batch; i++) sink += await one(l);
  const times: number[][] = VARIANTS.map(() => []);
  for (let round = 0; round < rounds; round++)
    for (let k = 0; k < VARIANTS.length; k++) {
      const i = (k + round) % VARIANTS.length;
      const t0 = process.hrtime.bigint();
      for (let j = 0; j < batch; j++) sink += await one(listeners[i]!);
      times[i]!.push(Number(process.hrtime.bigint() - t0) / batch);
    }
  if (sink !== 200 * (2 + rounds) * batch * VARIANTS.length) throw new Error('a request failed');
  const noop = times[VARIANTS.indexOf('noop')]!;
  return {
    framework,
    ns: new Map(VARIANTS.map((v, i) => [v, quartiles(times[i]!)[0]])),
    overNoop: new Map(VARIANTS.map((v, i) => [v, times[i]!.map((t, r) => t - noop[r]!)])),
  };
}

const ns = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(0)} ns`;

/** The table: ns per request, and the change against the empty middleware. */
export function dispatchTable(results: readonly DispatchResult[]): string {
  const rows = results.flatMap(({ framework: f, ns: per, overNoop }) =>
    VARIANTS.map((v) => {
      const [m, q1, q3] = quartiles(overNoop.get(v)!);
      const change = v === 'noop' ? '' : `${ns(m)} (${ns(q1)} … ${ns(q3)})`;
      return `| ${f} | ${LABELS[f][v]} | ${per.get(v)!.toFixed(0)} ns | ${change} |`;
    }),
  );
  return [
    '| framework | variant | one request, in process | vs empty middleware (middle half) |',
    '|---|---|---:|---:|',
    ...rows,
  ].join('\n');
}

if (process.argv[1]?.endsWith('dispatch.ts')) {
  const [list = FRAMEWORKS.join(','), roundsArg = '30'] = process.argv.slice(2);
  const frameworks = list.split(',') as Framework[];
  if (frameworks.some((f) => !FRAMEWORKS.includes(f)))
    throw new Error(`frameworks: comma-separated ones of ${FRAMEWORKS.join(', ')}, not ${list}`);
  const results: DispatchResult[] = [];
  for (const f of frameworks) results.push(await dispatch(f, Number(roundsArg)));
  console.log(dispatchTable(results));
}
