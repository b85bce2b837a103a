/**
 * `pnpm --filter @inferlens/bench paired [framework] [variants] [rounds]`: the HTTP suite's
 * variants served from ONE process (one server each), loaded one second at a time in a rotating
 * order, with the process's CPU time per request for each. Twin processes of one variant can
 * differ by 5–20 % for their whole life; inside one process that gap is gone, so a few per cent
 * of middleware cost shows where the suite's fresh processes blur it. The price: inferlens wraps
 * `write`, `end` and `emit` on Node's `ServerResponse.prototype` for the whole process, so the
 * other variants' responses pass through those wrappers untracked (one lookup per call) and the
 * change of bare is low by that much.
 *
 * @example
 * pnpm --filter @inferlens/bench paired fastify bare,noop,inferlens 30
 */
import { measure, median, pct, quartiles, startProcess, stopGroup } from './load.js';
import type { Framework, Variant } from './server.js';

const FRAMEWORKS: readonly Framework[] = ['express', 'fastify', 'hono'];
const VARIANTS: readonly Variant[] = ['bare', 'noop', 'inferlens', 'peer'];

const [framework = 'fastify', list = 'bare,noop,inferlens', roundsArg = '20'] =
  process.argv.slice(2);
const variants = list.split(',') as Variant[];
const rounds = Number(roundsArg);
if (!FRAMEWORKS.includes(framework as Framework))
  throw new Error(`framework: one of ${FRAMEWORKS.join(', ')}, not ${framework}`);
if (variants.some((v) => !VARIANTS.includes(v)) || new Set(variants).size !== variants.length)
  throw new Error(`variants: distinct ones of ${VARIANTS.join(', ')}, comma-separated`);
if (!Number.isInteger(rounds) || rounds < 4) throw new Error('rounds: an integer ≥ 4');

const group = await startProcess(framework as Framework, variants);
const cpu = new Map<Variant, number[]>(variants.map((v) => [v, []]));
const rates = new Map<Variant, number[]>(variants.map((v) => [v, []]));
try {
  for (const s of group) await measure(s, 2);
  for (let round = 0; round < rounds; round++)
    for (let k = 0; k < group.length; k++) {
      const s = group[(k + round) % group.length]!;
      const [rate, micros] = await measure(s, 1);
      rates.get(s.variant)!.push(rate);
      cpu.get(s.variant)!.push(micros);
    }
} finally {
  await stopGroup(group);
}
const base = cpu.get(variants[0]!)!;
console.log(
  `${framework}, ${variants.length} servers in one process, ${rounds} rounds of 1 s each\n`,
);
console.log(
  `| variant | server CPU / request | vs ${variants[0]} (middle half) | req/s |\n|---|---:|---:|---:|`,
);
for (const v of variants) {
  const [m, q1, q3] = quartiles(cpu.get(v)!.map((x, i) => x / base[i]!));
  const change = v === variants[0] ? '' : `${pct(m)} (${pct(q1)} … ${pct(q3)})`;
  console.log(
    `| ${v} | ${median(cpu.get(v)!).toFixed(2)} µs | ${change} | ${Math.round(median(rates.get(v)!)).toLocaleString('en-US')} |`,
  );
}
