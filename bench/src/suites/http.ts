/**
 * HTTP middleware overhead, issue #16's way: for Express, Fastify and Hono, one server process
 * with five variants (bare, an empty middleware, the same plus a known CPU cost, inferlens, the
 * framework's usual metrics peer),
 * a hello world and an SSE stream loaded in rotating rounds, server CPU per request, and the
 * targets as MET/MISSED lines (see ../http/one-process.ts).
 */
import { FRAMEWORKS } from '../http/load.js';
import { type FrameworkResult, measureFramework, report } from '../http/one-process.js';

const ROUNDS = 10;

export async function run(): Promise<{ title: string; table: string; notes?: string[] }> {
  const results: FrameworkResult[] = [];
  for (const f of FRAMEWORKS) results.push(await measureFramework(f, ROUNDS));
  const { table, verdicts, notes } = await report(results, ROUNDS);
  return {
    title: 'HTTP middleware overhead (one process per framework)',
    table,
    notes: [...verdicts, ...notes],
  };
}
