/**
 * A whole scrape to bytes at 1,000, 10,000 and 100,000 label sets (issue 17): CPU and wall time
 * of inferlens's byte renderers, of render() plus its conversion to bytes, and of the peers, each
 * to the bytes a server writes. Targets: linear (time per label set at 100k within 1.5× of 1k),
 * 10k in ≤ 40 ms and 100k in ≤ 400 ms of CPU, allocating at most about twice the output.
 */
import { renderBytes } from '@inferlens/core/internal';
import { runChild } from '../child/run-child.js';
import { heapAllocated, type ScrapeResult, timeScrapes } from '../scrape/measure.js';
import { scrapers } from '../scrape/setup.js';
import { formatRatio, verdict } from '../table.js';

const SIZES = [
  { size: 1_000, rounds: 11, otel: true },
  { size: 10_000, rounds: 5, otel: true },
  // exporter-prometheus holds 100,000 label sets in several GB and minutes per scrape: left out.
  { size: 100_000, rounds: 3, otel: false },
];
const OURS = 'inferlens renderBytes() (one call)';

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(x >= 10 ? 1 : 2));

export async function run(): Promise<{ title: string; table: string; notes: string[] }> {
  const rows: string[] = [];
  const notes: string[] = [];
  const perSet = new Map<number, number>();
  const ours = new Map<number, ScrapeResult>();
  for (const { size, rounds, otel } of SIZES) {
    const s = await scrapers(size, otel);
    const results = await timeScrapes(s.contenders, rounds);
    const base = results.find((r) => r.name === OURS)!;
    ours.set(size, base);
    perSet.set(size, base.cpuMs / size);
    for (const r of results)
      rows.push(
        `| ${size.toLocaleString('en-US')} | ${r.name} | ${ms(r.cpuMs)} ms | ${ms(r.wallMs)} ms | ${ms(r.minWallMs)} – ${ms(r.maxWallMs)} ms | ${((r.cpuMs * 1e6) / size / 1000).toFixed(2)} µs | ${formatRatio(r.cpuMs / base.cpuMs)} | ${(r.bytes / 2 ** 20).toFixed(1)} MiB |`,
      );
    if (size === 100_000) {
      let buffers = 0;
      const heap = await heapAllocated(async () => {
        const seen = new Set<ArrayBufferLike>();
        for (const c of renderBytes(s.store)) seen.add(c.buffer);
        for (const b of seen) buffers += b.byteLength;
      });
      const out = base.bytes;
      notes.push(
        verdict('scrape, 100k label sets, allocated ÷ output', (heap + buffers) / out, 2, '≤') +
          ` (${(buffers / 2 ** 20).toFixed(0)} MiB of chunks + ${(heap / 2 ** 20).toFixed(0)} MiB on the JS heap, sampled, for ${(out / 2 ** 20).toFixed(0)} MiB out)`,
      );
    }
    await s.close();
  }
  // inferlens alone in a fresh process: no peer's series on the heap for full collections to mark.
  const alone = new Map<number, number>();
  for (const size of [1_000, 100_000]) {
    const { cpuMs } = await runChild<{ cpuMs: number[] }>('alone', String(size));
    alone.set(size, [...cpuMs].sort((a, b) => a - b)[cpuMs.length >> 1]!);
  }
  const linear = perSet.get(100_000)! / perSet.get(1_000)!;
  notes.unshift(
    verdict('scrape, CPU per label set at 100k ÷ at 1k', linear, 1.5, '≤'),
    `${ours.get(10_000)!.cpuMs <= 40 ? 'MET' : 'MISSED'}: scrape, 10k label sets to bytes in ${ms(ours.get(10_000)!.cpuMs)} ms CPU (target ≤ 40 ms)`,
    `${ours.get(100_000)!.cpuMs <= 400 ? 'MET' : 'MISSED'}: scrape, 100k label sets to bytes in ${ms(ours.get(100_000)!.cpuMs)} ms CPU (target ≤ 400 ms)`,
  );
  const alone1k = alone.get(1_000)!;
  const alone100k = alone.get(100_000)!;
  notes.push(
    `inferlens renderBytes() alone in a fresh process (no peer's series on the heap), median of the last 30 (1k) and 3 (100k) runs: 1k label sets ${ms(alone1k)} ms CPU, 100k ${ms(alone100k)} ms CPU (${alone100k <= 400 ? 'within' : 'over'} the 400 ms target); CPU per label set at 100k ÷ at 1k ${formatRatio(alone100k / 100_000 / (alone1k / 1_000))}. In the table, 100k label sets of prom-client share the heap: the 226 MiB of chunks count as V8 external memory, which starts full collections that mark every live object, the peer's included.`,
    'Each label set is a 16-bound histogram and a counter (two series, 19 samples). CPU is process.cpuUsage over the call: the JS thread and V8\'s helper threads, garbage collection included, so on 2 cores it can exceed the wall time. "To bytes" stops when the last byte a server would write exists (chunks, or Buffer.from of the string). The sliced render gives the event loop a turn every 1 ms, so its wall time includes whatever else runs.',
  );
  return {
    title: 'Scraping to bytes at 1k, 10k and 100k label sets',
    table: [
      '| label sets | case | CPU (median) | wall (median) | wall min – max | CPU per label set | CPU ÷ inferlens renderBytes | output |',
      '|---:|---|---:|---:|---:|---:|---:|---:|',
      ...rows,
    ].join('\n'),
    notes,
  };
}
