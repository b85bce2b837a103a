/**
 * `pnpm --filter @inferlens/bench paired [frameworks] [rounds]`: the one-process HTTP table of
 * issue #16 with its MET/MISSED lines (see one-process.ts), for some frameworks or all.
 *
 * @example
 * pnpm --filter @inferlens/bench paired fastify,hono 6
 */

import type { Framework } from './apps.js';
import { FRAMEWORKS } from './load.js';
import { type FrameworkResult, measureFramework, report } from './one-process.js';

const [list = FRAMEWORKS.join(','), roundsArg = '10'] = process.argv.slice(2);
const frameworks = list.split(',') as Framework[];
const rounds = Number(roundsArg);
if (frameworks.some((f) => !FRAMEWORKS.includes(f)))
  throw new Error(`frameworks: comma-separated ones of ${FRAMEWORKS.join(', ')}, not ${list}`);
if (!Number.isInteger(rounds) || rounds < 4) throw new Error('rounds: an integer ≥ 4');

const results: FrameworkResult[] = [];
for (const f of frameworks) results.push(await measureFramework(f, rounds));
const { table, verdicts, notes } = await report(results, rounds);
console.log(`${table}\n\n${[...verdicts, ...notes].map((l) => `- ${l}`).join('\n')}`);
