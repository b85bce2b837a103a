import { type ByteSink, NUMBER_BYTES } from './byte-sink.js';
import { renderMirrored, renderSeries } from './exposition-series.js';
import { formatLe } from './format.js';
import type { MirroredSeries } from './mirror.js';
import type { CounterSeries, GaugeSeries, HistogramSeries, Series } from './series.js';
import type { Family } from './store.js';

/** Series written between two points where a sliced render may give the event loop a turn. */
export const SLICE_SERIES = 128;
/**
 * Bytes after which a pause point comes sooner: 128 series with long label sets or many buckets
 * could take milliseconds to write (about 1 GB/s), more than a slice.
 */
export const SLICE_BYTES = 256 * 1024;

const NL = 10;
const SPACE = 32;
const OPEN = 123; // {
const CLOSE = 125; // }
const COMMA = 44;

/**
 * The store's own series of one family as UTF-8 into `sink`, byte for byte what
 * `renderSeries` returns; yields every {@link SLICE_SERIES} series, or sooner once
 * {@link SLICE_BYTES} are written, so a caller can slice.
 * Summaries (whose window is read at one instant for the family) go through the string path.
 */
export function* writeSeries(
  sink: ByteSink,
  family: Family,
  om: boolean,
  name: string,
): Generator<void, void, void> {
  if (family.summary) return sink.write(renderSeries(family, om, name));
  if (family.def.kind === 'histogram') return yield* writeHistograms(sink, family, om, name);
  let n = 0;
  let at = sink.bytes;
  const it = family.all() as Iterator<Series>;
  const batch: Series[] = new Array(SLICE_SERIES);
  for (let got = fill(it, batch); got > 0; got = fill(it, batch))
    for (let i = 0; i < got; i++) {
      const s = batch[i]!;
      if (s.kind === 'histogram' || s.kind === 'summary') continue;
      const labels = s.labelText;
      sink.reserve(name.length + labels.length * 3 + NUMBER_BYTES + 4);
      writeTail(sink, name, labels, (s as CounterSeries | GaugeSeries).value, true);
      if (++n === SLICE_SERIES || sink.bytes - at >= SLICE_BYTES) {
        n = 0;
        yield;
        // The caller may have taken the chunks, which starts the count over.
        at = sink.bytes;
      }
    }
}

function* writeHistograms(
  sink: ByteSink,
  family: Family,
  om: boolean,
  name: string,
): Generator<void, void, void> {
  const bounds = family.bounds;
  const le: string[] = [];
  for (let i = 0; i < bounds.length; i++) le.push(`le="${formatLe(bounds[i]!, om)}"} `);
  le.push('le="+Inf"} ');
  let leBytes = 0;
  for (const l of le) leBytes = Math.max(leBytes, l.length);
  const bucket = `${name}_bucket{`;
  const sum = `${name}_sum`;
  const count = `${name}_count`;
  const lines = le.length;
  let n = 0;
  let at = sink.bytes;
  const it = family.all() as Iterator<Series>;
  const batch: Series[] = new Array(SLICE_SERIES);
  for (let got = fill(it, batch); got > 0; got = fill(it, batch))
    for (let k = 0; k < got; k++) {
      const s = batch[k]!;
      if (s.kind !== 'histogram') continue;
      const labels = s.labelText;
      const exemplars = om ? s.exemplars : undefined;
      const prefixMax = bucket.length + labels.length * 3 + 1;
      let room = lines * (prefixMax + leBytes + NUMBER_BYTES + 1);
      room += 2 * (count.length + labels.length * 3 + NUMBER_BYTES + 4);
      if (exemplars) room += lines * 120;
      sink.reserve(room);
      // `name_bucket{labels,` once; every other bucket line copies it.
      const start = sink.pos;
      const extraBefore = sink.extra;
      sink.ascii(bucket);
      if (labels) {
        sink.text(labels);
        sink.byte(COMMA);
      }
      const prefix = sink.pos - start;
      const prefixExtra = sink.extra - extraBefore;
      const counts = s.counts;
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        if (i > 0) {
          sink.repeat(start, prefix);
          sink.extra += prefixExtra;
        }
        cumulative += counts[i]!;
        sink.ascii(le[i]!);
        sink.string(cumulative);
        const e = exemplars?.[i];
        if (e !== undefined) {
          sink.ascii(' # {trace_id="');
          sink.ascii(e.traceId);
          sink.ascii('"} ');
          sink.value(e.value);
          sink.byte(SPACE);
          sink.ascii(String(e.timestamp));
        }
        sink.byte(NL);
      }
      writeTail(sink, sum, labels, (s as HistogramSeries).sum, true);
      writeTail(sink, count, labels, s.count, false);
      if (++n === SLICE_SERIES || sink.bytes - at >= SLICE_BYTES) {
        n = 0;
        yield;
        at = sink.bytes;
      }
    }
}

/**
 * The next series of `it`, up to `into.length` of them, into `into`; returns how many. An
 * iterator stepped across the pauses of a generator allocates a result object per series
 * (megabytes a scrape, and the collections that come with them); stepped here, in a plain
 * function, it does not. A copy of a whole family would be one large object per scrape, and a
 * large allocation while the heap is being marked runs a marking step of its size at once.
 */
function fill(it: Iterator<Series>, into: Series[]): number {
  let n = 0;
  while (n < into.length) {
    const r = it.next();
    if (r.done === true) break;
    into[n++] = r.value;
  }
  return n;
}

/** `name{labels} v\n`, or `name v\n` without labels; room reserved. */
function writeTail(sink: ByteSink, name: string, labels: string, v: number, value: boolean): void {
  sink.ascii(name);
  if (labels) {
    sink.byte(OPEN);
    sink.text(labels);
    sink.byte(CLOSE);
  }
  sink.byte(SPACE);
  if (value) sink.value(v);
  else sink.string(v);
  sink.byte(NL);
}

/** Mirrored series (a few per engine replica) go through the string path. */
export function mirroredText(
  family: Family,
  series: readonly MirroredSeries[],
  om: boolean,
  name: string,
): string {
  return series.length > 0 ? renderMirrored(family, series, om, name) : '';
}

/**
 * At least as many characters as any series of `family` takes when written (a summary's are not
 * bounded here: undefined), so a family that surely fits the length bound can be streamed out
 * before it is whole.
 */
export function seriesBound(family: Family, om: boolean, name: string): number | undefined {
  if (family.summary || family.def.kind === 'summary') return undefined;
  const line = name.length + family.maxLabelTextLength + 2 * NUMBER_BYTES + 40;
  if (family.def.kind !== 'histogram') return line;
  return (family.bounds.length + 3) * (line + (om ? 120 : 0));
}
