import { ByteSink, type ChunkPool } from './byte-sink.js';
import { type ExpositionFormat, header, type RenderOptions, renderSetup } from './exposition.js';
import { mirroredText, seriesBound, writeSeries } from './exposition-bytes.js';
import { type MetricId, metricIds, schema } from './schema/index.js';
import type { Family, Store } from './store.js';

/** Options of {@link renderStream} and `lens.scrapeStream()`. */
export interface StreamOptions extends RenderOptions {
  /**
   * Longest the render runs before it gives the event loop a turn, in milliseconds (default 1;
   * a scrape of at most 1,000 series runs whole, as one instant).
   * Token streams in flight wait at most about this long for a scrape.
   */
  sliceMs?: number;
  /** Stops rendering when aborted (the scraper went away); the stream then ends early. */
  signal?: { readonly aborted: boolean } | undefined;
  /**
   * Called after each slice with the milliseconds it ran without a break (the render only, not
   * the consumer's writes): how long this scrape held the event loop at once.
   */
  onSlice?: ((ms: number) => void) | undefined;
  /**
   * Buffers to write the chunks of {@link renderStream} into: each chunk is a view of one, to be
   * given back with `pool.release(chunk)` once sent (a Node socket: in `res.write`'s callback).
   * A scrape then allocates next to nothing, however big. `renderTextStream` ignores it.
   *
   * @example
   * const pool = new ChunkPool();
   * for await (const chunk of renderStream(store, 'prometheus', { pool }))
   *   res.write(chunk, () => pool.release(chunk));
   */
  pool?: ChunkPool | undefined;
}

const EOF = '# EOF\n';

type Chunk = Uint8Array | string;

/**
 * The exposition in parts: bytes ready to send, and `undefined` at each point where a caller may
 * pause. Byte for byte what `render()` returns, encoded as UTF-8. A family that surely fits the
 * length bound (by a bound on its series' lengths) is passed on as it is written; any other is
 * held until whole, so that it can be left out whole as {@link render} does.
 */
function* parts(
  stores: Store | readonly Store[],
  format: ExpositionFormat,
  options: RenderOptions,
  text: boolean,
  pool?: ChunkPool,
): Generator<Chunk[] | undefined, void, void> {
  const { om, list, nameOf, first, limit } = renderSetup(stores, format, options);
  const sink = new ByteSink(text, pool);
  const mirrors = list.some((s) => s.hasMirrors);
  let length = 0;
  for (const id of metricIds) {
    const name = nameOf(id);
    const head = header(schema[id], om, name);
    const bound = mirrors ? undefined : familyBound(list, id, om, name, head.length);
    if (bound !== undefined && length + bound <= limit) {
      length += yield* streamed(sink, list, id, om, name, head);
      continue;
    }
    let body: Chunk[] = [];
    let chars = 0;
    // As render(): a family that fails or would pass the bound is left out whole and counted.
    try {
      sink.write(head);
      for (const store of list) {
        const family = store.family(id) as unknown as Family;
        if (family.size > 0) yield* sliced(writeSeries(sink, family, om, name));
        sink.write(mirroredText(family, store.mirrored(id), om, name));
      }
      chars = sink.length;
      body = sink.take();
      if (chars === head.length) {
        sink.discard(body);
        continue;
      }
    } catch {
      sink.discard(sink.take());
      chars = 0;
    }
    if (chars > 0 && length + chars <= limit) {
      length += chars;
      yield body;
    } else {
      sink.discard(body);
      first?.family('eventsDropped').series(['scrape_too_large']).inc();
    }
  }
  if (om) {
    sink.write(EOF);
    yield sink.take();
  }
}

/** Characters a family takes at most, header included; undefined when not bounded. */
function familyBound(
  list: readonly Store[],
  id: MetricId,
  om: boolean,
  name: string,
  head: number,
): number | undefined {
  let bound = head;
  for (const store of list) {
    const family = store.family(id) as unknown as Family;
    if (family.size === 0) continue;
    const each = seriesBound(family, om, name);
    if (each === undefined) return undefined;
    bound += family.size * each;
  }
  return bound;
}

/**
 * A family that fits whatever its series hold, passed on as it is written: at every pause point
 * the chunks that are full (the one being written fills up first, so a scrape is a few big
 * chunks, each a write and its bookkeeping), the rest at its end. The header alone is never sent:
 * a chunk only fills up with series in it. Returns the characters written.
 */
function* streamed(
  sink: ByteSink,
  list: readonly Store[],
  id: MetricId,
  om: boolean,
  name: string,
  head: string,
): Generator<Chunk[] | undefined, number, void> {
  // As render(): a family without series is left out, header and all.
  if (list.every((store) => store.family(id).size === 0)) return 0;
  sink.write(head);
  try {
    for (const store of list) {
      const family = store.family(id) as unknown as Family;
      if (family.size === 0) continue;
      for (const _ of writeSeries(sink, family, om, name)) {
        const done = sink.takeDone();
        yield done.length > 0 ? done : undefined;
      }
    }
  } catch {
    // Nothing in writing a store's own series throws; should it, the scrape still does not.
    const sent = sink.handed;
    sink.discard(sink.take());
    list[0]?.family('eventsDropped').series(['scrape_too_large']).inc();
    return sent;
  }
  const chars = sink.length;
  if (chars === head.length) {
    sink.discard(sink.take());
    return 0;
  }
  yield sink.take();
  return chars;
}

/** Passes the writer's pause points on as `undefined`. */
function* sliced(writer: Generator<void, void, void>): Generator<undefined, void, void> {
  for (const _ of writer) yield undefined;
}

/**
 * Renders as {@link render} does, straight into UTF-8 chunks, in one synchronous call: what to
 * hand a socket when the caller wants bytes without the event-loop turns of {@link renderStream}.
 */
export function renderBytes(
  stores: Store | readonly Store[],
  format: ExpositionFormat = 'prometheus',
  options: RenderOptions = {},
): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const part of parts(stores, format, options, false))
    if (part) for (const c of part) out.push(c as Uint8Array);
  return out;
}

type Turn = (resolve: () => void) => void;
declare function setTimeout(f: () => void, ms: number): unknown;
const g = globalThis as { setImmediate?: (f: () => void) => unknown };
/** A macrotask turn, so timers and I/O (tokens being streamed) run between slices. */
const turn: Turn =
  typeof g.setImmediate === 'function'
    ? (r) => {
        g.setImmediate!(r);
      }
    : (r) => {
        setTimeout(r, 0);
      };

declare const performance: { now(): number };

/**
 * Renders as {@link render} does, as UTF-8 chunks, in slices of at most about `sliceMs` of
 * synchronous work with an event-loop turn between them, so a scrape of 100,000 series does not
 * stall the token streams in flight. Stops when `signal` aborts or the consumer stops reading.
 * Series recorded while it runs may or may not show; each series is written at one instant.
 * With `pool`, chunks are views of the pool's buffers, each to be given back once written.
 *
 * @example
 * for await (const chunk of renderStream(lens.store, 'prometheus', { signal })) res.write(chunk);
 */
export function renderStream(
  stores: Store | readonly Store[],
  format: ExpositionFormat = 'prometheus',
  options: StreamOptions = {},
): AsyncGenerator<Uint8Array, void, void> {
  return slices(
    parts(stores, format, options, false, options?.pool),
    stores,
    options,
  ) as AsyncGenerator<Uint8Array>;
}

/**
 * {@link renderStream} with chunks as strings of about 64 KiB: for a Node socket, which encodes a
 * string into memory of its own, so a scrape of hundreds of MB allocates no buffers that V8 counts
 * as external memory (past a bound, those force full collections of the whole heap: long pauses
 * on a big server). The same bytes once encoded as UTF-8.
 */
export function renderTextStream(
  stores: Store | readonly Store[],
  format: ExpositionFormat = 'prometheus',
  options: StreamOptions = {},
): AsyncGenerator<string, void, void> {
  return slices(parts(stores, format, options, true), stores, options) as AsyncGenerator<string>;
}

/**
 * Without `sliceMs`, a scrape of at most this many series (the stores' own) is rendered in one
 * slice: about a millisecond, and one instant, as `render()` is, so families agree with each other.
 */
const WHOLE_SERIES = 1000;

function seriesIn(stores: Store | readonly Store[]): number {
  let n = 0;
  for (const store of Array.isArray(stores) ? stores : [stores as Store])
    for (const id of metricIds) n += store.family(id).size;
  return n;
}

/**
 * Runs the render a slice at a time and hands out each slice's chunks once it ends (in a turn of
 * their own when there are several slices), so a slice is written at one instant and a scrape
 * that takes less than one slice is a snapshot, as `render()` is, however slowly the consumer
 * reads.
 */
async function* slices(
  source: Generator<Chunk[] | undefined, void, void>,
  stores: Store | readonly Store[],
  options: StreamOptions,
): AsyncGenerator<Chunk, void, void> {
  const sliceMs = options?.sliceMs ?? (seriesIn(stores) <= WHOLE_SERIES ? Infinity : 1);
  const signal = options?.signal;
  const onSlice = options?.onSlice;
  // A scrape never throws: a callback that does is not called again.
  let report = typeof onSlice === 'function' ? onSlice : undefined;
  const reported = (ms: number): void => {
    try {
      report?.(ms);
    } catch {
      report = undefined;
    }
  };
  const pending: Chunk[] = [];
  let sliced = false;
  let since = performance.now();
  for (const part of source) {
    if (signal?.aborted) return;
    if (part) for (const chunk of part) pending.push(chunk);
    const ran = performance.now() - since;
    if (ran >= sliceMs) {
      reported(ran);
      sliced = true;
      // The consumer writes the chunks in a turn of their own: a socket's work on a slice's
      // output (about 1 MB) would otherwise lengthen the turn that rendered it.
      await new Promise<void>(turn);
      if (signal?.aborted) return;
      for (const chunk of pending) yield chunk;
      pending.length = 0;
      if (signal?.aborted) return;
      await new Promise<void>(turn);
      if (signal?.aborted) return;
      since = performance.now();
    }
  }
  reported(performance.now() - since);
  if (sliced) {
    await new Promise<void>(turn);
    if (signal?.aborted) return;
  }
  for (const chunk of pending) yield chunk;
}
