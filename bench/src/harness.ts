/**
 * A small, honest timing loop. Contenders run in interleaved rounds (the order rotates every
 * round), so a noisy neighbour on this shared machine slows all of them alike; each round times a
 * batch of calls with one clock pair, so even nanosecond operations are measured without the
 * clock's own cost; results are medians over rounds. Every call's return value is folded into a
 * sink that is printed at the end, so the JIT cannot drop the work.
 */

export interface Contender {
  name: string;
  /** One operation. Returns a number that goes into the sink. */
  fn: () => number | Promise<number>;
  /** True when `fn` returns a promise that must be awaited. */
  async?: boolean;
}

export interface Result {
  name: string;
  /** Median nanoseconds per operation over the rounds. */
  median: number;
  min: number;
  max: number;
  /** Operations per round (calibrated during warm-up). */
  batch: number;
}

export interface MeasureOptions {
  rounds?: number;
  /** Target duration of one round, in milliseconds. */
  roundMs?: number;
  /** Warm-up per contender before timing starts, in milliseconds. */
  warmupMs?: number;
}

let sink = 0;

/** The sum of every value the measured functions returned; print it so nothing is dead code. */
export function sinkValue(): number {
  return sink;
}

const now = (): number => Number(process.hrtime.bigint());

async function runBatch(c: Contender, n: number): Promise<number> {
  let acc = 0;
  const t0 = now();
  if (c.async) for (let i = 0; i < n; i++) acc += await (c.fn() as Promise<number>);
  else {
    const fn = c.fn as () => number;
    for (let i = 0; i < n; i++) acc += fn();
  }
  const elapsed = now() - t0;
  sink += acc;
  return elapsed;
}

/** Runs a contender until warm; returns a batch size that takes about `roundMs`. */
async function calibrate(c: Contender, warmupMs: number, roundMs: number): Promise<number> {
  let n = 1;
  let spent = 0;
  let perOp = 0;
  while (spent < warmupMs * 1e6) {
    const t = await runBatch(c, n);
    spent += t;
    perOp = t / n;
    if (t < 5e6) n *= 2;
  }
  return batchFor(perOp, roundMs);
}

function batchFor(perOpNs: number, roundMs: number): number {
  return Math.max(1, Math.round((roundMs * 1e6) / Math.max(perOpNs, 0.1)));
}

export async function measure(
  contenders: Contender[],
  options: MeasureOptions = {},
): Promise<Result[]> {
  const { rounds = 21, roundMs = 25, warmupMs = 300 } = options;
  const batches: number[] = [];
  for (const c of contenders) batches.push(await calibrate(c, warmupMs, roundMs));
  // Warm-up ran each contender alone; once all have run, the loop's call site sees them all and
  // may be slower, so the batch sizes are set again from one untimed round.
  for (let i = 0; i < contenders.length; i++)
    batches[i] = batchFor((await runBatch(contenders[i]!, batches[i]!)) / batches[i]!, roundMs);
  const samples: number[][] = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + r) % contenders.length;
      samples[i]!.push((await runBatch(contenders[i]!, batches[i]!)) / batches[i]!);
    }
  }
  return contenders.map((c, i) => {
    const s = samples[i]!.sort((a, b) => a - b);
    return { name: c.name, median: median(s), min: s[0]!, max: s.at(-1)!, batch: batches[i]! };
  });
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
