/**
 * What the HTTP suite and `pnpm paired` share: starting a server process with every variant of
 * one framework in it (`server.ts`), loading one variant's route at a time with autocannon while
 * reading the process's CPU time, and the statistics both report.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Framework, Variant } from './apps.js';

/** The frameworks and variants `server.ts` serves. */
export const FRAMEWORKS: readonly Framework[] = ['express', 'fastify', 'hono'];
export const VARIANTS: readonly Variant[] = ['bare', 'noop', 'calibration', 'inferlens', 'peer'];

export const CONNECTIONS = 32;
// Pipelining lets one load-generator process saturate the server on few cores, so the server's
// own cost, not the generator's, sets the rate.
export const PIPELINING = 4;

const here = dirname(fileURLToPath(import.meta.url));
const serverFile = join(here, 'server.ts');

/** The routes every variant serves: a hello world and an SSE stream (see server.ts). */
export type Route = 'hello' | 'sse';

/** One variant's server, in a process shared with the framework's other variants. */
export interface Running {
  framework: Framework;
  variant: Variant;
  child: ChildProcess;
  /** Base URL; a route's path follows (`/hello/world`, `/sse/world`). */
  url: string;
}

/** Starts one process serving `variants` (one server each, on its own port). */
export async function startProcess(
  framework: Framework,
  variants: readonly Variant[],
): Promise<Running[]> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', serverFile, framework, variants.join(',')],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) =>
      reject(new Error(`${framework}/${variants.join(',')} server exited with ${code}`)),
    );
  });
  const { ports } = JSON.parse(line) as { ports: Record<Variant, number> };
  return variants.map((variant) => ({
    framework,
    variant,
    child,
    url: `http://127.0.0.1:${ports[variant]}`,
  }));
}

/** Asks the server process for something and waits for its answer. */
export function ask<T>(
  child: ChildProcess,
  cmd: 'cpu' | 'profile-start' | 'profile-stop',
): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send({ cmd });
  });
}

const cpuMicros = async (child: ChildProcess) =>
  (await ask<{ cpuMicros: number }>(child, 'cpu')).cpuMicros;

/**
 * One run of `route`: requests per second and server CPU µs per request. Errors or non-2xx fail
 * the suite. SSE streams are not pipelined (a stream holds its connection until it ends).
 */
export async function measure(
  s: Running,
  seconds: number,
  route: Route = 'hello',
): Promise<[number, number, number]> {
  const before = await cpuMicros(s.child);
  const r = await autocannon({
    url: `${s.url}/${route}/world`,
    connections: CONNECTIONS,
    pipelining: route === 'sse' ? 1 : PIPELINING,
    duration: seconds,
  });
  const after = await cpuMicros(s.child);
  if (r.errors > 0 || r.non2xx > 0 || r.timeouts > 0)
    throw new Error(`${s.url}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.timeouts} timeouts`);
  return [r.requests.total / r.duration, (after - before) / r.requests.total, r.requests.total];
}

/** Median and the middle half (first to third quartile) of a list. */
export function quartiles(values: number[]): [number, number, number] {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const i = q * (s.length - 1);
    const lo = Math.floor(i);
    return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
  };
  return [at(0.5), at(0.25), at(0.75)];
}

export const median = (values: number[]) => quartiles(values)[0];

/** A ratio as a signed percentage change. */
export const pct = (r: number) => `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(1)} %`;

export async function stopGroup(group: Running[]): Promise<void> {
  await Promise.all(
    group.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
          s.child.once('exit', () => resolve());
          s.child.kill();
        }),
    ),
  );
}

/** What rotating rounds measured per variant: requests per second and CPU µs per request. */
export type Rounds = Map<Variant, { rates: number[]; cpu: number[] }>;

/**
 * Loads `route` of the variants in `group` (one process) `seconds` at a time in a rotating order
 * for `rounds` rounds, after a 2 s warm-up each. Inside one process the 5–20 % gap between twin
 * processes is gone, and inferlens touches no other variant's responses (its wrappers are on its
 * own tracked responses, or on Express's prototype, which the Express variants share: there bare
 * and the others pay one storage lookup per write).
 */
export async function pairedRounds(
  group: readonly Running[],
  route: Route,
  rounds: number,
  seconds = 1,
): Promise<Rounds> {
  const out: Rounds = new Map(group.map((s) => [s.variant, { rates: [], cpu: [] }]));
  for (const s of group) await measure(s, 2, route);
  for (let round = 0; round < rounds; round++)
    for (let k = 0; k < group.length; k++) {
      const s = group[(k + round) % group.length]!;
      const [rate, cpu] = await measure(s, seconds, route);
      out.get(s.variant)!.rates.push(rate);
      out.get(s.variant)!.cpu.push(cpu);
    }
  return out;
}

/** The change of `values` against `base`, round by round: median and middle half. */
export function change(values: readonly number[], base: readonly number[]): string {
  const [m, q1, q3] = quartiles(values.map((x, i) => x / base[i]!));
  return `${pct(m)} (${pct(q1)} … ${pct(q3)})`;
}
