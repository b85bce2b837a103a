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
import { change, FRAMEWORKS, median, pairedRounds, VARIANTS } from './load.js';
import type { Framework, Variant } from './server.js';

const [framework = 'fastify', list = 'bare,noop,inferlens', roundsArg = '20'] =
  process.argv.slice(2);
const variants = list.split(',') as Variant[];
const rounds = Number(roundsArg);
if (!FRAMEWORKS.includes(framework as Framework))
  throw new Error(`framework: one of ${FRAMEWORKS.join(', ')}, not ${framework}`);
if (variants.some((v) => !VARIANTS.includes(v)) || new Set(variants).size !== variants.length)
  throw new Error(`variants: distinct ones of ${VARIANTS.join(', ')}, comma-separated`);
if (!Number.isInteger(rounds) || rounds < 4) throw new Error('rounds: an integer ≥ 4');

const byVariant = await pairedRounds(framework as Framework, variants, rounds);
const base = byVariant.get(variants[0]!)!.cpu;
console.log(
  `${framework}, ${variants.length} servers in one process, ${rounds} rounds of 1 s each\n`,
);
console.log(
  `| variant | server CPU / request | vs ${variants[0]} (middle half) | req/s |\n|---|---:|---:|---:|`,
);
for (const v of variants) {
  const { cpu, rates } = byVariant.get(v)!;
  console.log(
    `| ${v} | ${median(cpu).toFixed(2)} µs | ${v === variants[0] ? '' : change(cpu, base)} | ${Math.round(median(rates)).toLocaleString('en-US')} |`,
  );
}
