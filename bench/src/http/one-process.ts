/**
 * The HTTP targets of issue #16, measured with every variant of a framework in ONE server
 * process (bare, an empty middleware, the same plus a known CPU cost, inferlens, the framework's
 * usual metrics peer), loaded one second at a time in rotating rounds, with the process's CPU
 * time per request around each (`process.cpuUsage`). Twin processes of one variant differ by 5–20 % for their whole life;
 * inside one process that gap is gone, so a per-cent cost shows. Used by the `http` suite and by
 * `pnpm --filter @inferlens/bench paired`.
 */

import type { Framework, Variant } from './apps.js';
import {
  ask,
  CONNECTIONS,
  measure,
  median,
  PIPELINING,
  pairedRounds,
  pct,
  quartiles,
  type Rounds,
  startProcess,
  stopGroup,
  VARIANTS,
} from './load.js';
import { attribute, type CpuProfile, INFERLENS } from './profile.js';
import { recordingPath } from './recording.js';
import { CALIBRATION_NS, SSE_EVENTS } from './routes.js';

export const LABELS: Record<Framework, Record<Variant, string>> = {
  express: {
    bare: 'bare',
    noop: 'empty middleware',
    calibration: `empty middleware + ${CALIBRATION_NS} ns CPU`,
    inferlens: 'inferlens',
    peer: 'express-prom-bundle 8',
  },
  fastify: {
    bare: 'bare',
    noop: 'empty onRequest hook',
    calibration: `empty hook + ${CALIBRATION_NS} ns CPU`,
    inferlens: 'inferlens',
    peer: 'fastify-metrics 13',
  },
  hono: {
    bare: 'bare',
    noop: 'empty middleware',
    calibration: `empty middleware + ${CALIBRATION_NS} ns CPU`,
    inferlens: 'inferlens',
    peer: '@hono/prometheus 1',
  },
};

/** The targets. */
const HELLO_POINTS = 3;
const SSE_PER_CENT = 2;
const RECORDING_NS = 1000;
const PROFILE_SECONDS = 3;

export interface FrameworkResult {
  framework: Framework;
  hello: Rounds;
  sse: Rounds;
  /** inferlens's own CPU µs per hello-world request, from a profiled run. */
  profiledMicros: number;
}

/** Runs one framework's rounds in one process: hello world, then SSE, then one profiled run. */
export async function measureFramework(
  framework: Framework,
  rounds: number,
): Promise<FrameworkResult> {
  const group = await startProcess(framework, VARIANTS);
  try {
    const hello = await pairedRounds(group, 'hello', rounds);
    const sse = await pairedRounds(group, 'sse', rounds);
    const mine = group.find((s) => s.variant === 'inferlens')!;
    await ask(mine.child, 'profile-start');
    const [, , requests] = await measure(mine, PROFILE_SECONDS);
    const { profile } = await ask<{ profile: CpuProfile }>(mine.child, 'profile-stop');
    const profiledMicros = attribute(profile, INFERLENS).oursMicros / requests;
    return { framework, hello, sse, profiledMicros };
  } finally {
    await stopGroup(group);
  }
}

/** Median and middle half of a per-round figure, as text by `show`. */
function spread(values: number[], show: (x: number) => string): string {
  const [m, q1, q3] = quartiles(values);
  return `${show(m)} (${show(q1)} … ${show(q3)})`;
}

const perRound = (r: Rounds, f: (at: (v: Variant) => number) => number): number[] =>
  r.get('bare')!.cpu.map((_, i) => f((v) => r.get(v)!.cpu[i]!));

const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pp`;
const count = (x: number) => Math.round(x).toLocaleString('en-US');

/** The table rows and MET/MISSED lines for the frameworks measured, plus the recording path. */
export async function report(
  results: readonly FrameworkResult[],
  rounds: number,
): Promise<{ table: string; verdicts: string[]; notes: string[] }> {
  const rows: string[] = [];
  const verdicts: string[] = [];
  for (const { framework: f, hello, sse, profiledMicros } of results) {
    const extra = perRound(hello, (at) => (at('inferlens') - at('noop')) / at('bare'));
    const vsPeer = perRound(hello, (at) => at('inferlens') / at('peer'));
    const sseExtra = perRound(sse, (at) => at('inferlens') / at('noop'));
    const known = perRound(hello, (at) => (at('calibration') - at('noop')) / at('bare'));
    const vsKnown = perRound(hello, (at) => at('inferlens') / at('calibration'));
    const sseKnown = perRound(sse, (at) => at('calibration') / at('noop'));
    verdicts.push(
      `${median(extra) <= HELLO_POINTS / 100 ? 'MET' : 'MISSED'}: ${f} hello world, inferlens CPU/request − ${LABELS[f].noop}'s = ${spread(extra, points)} of bare (target ≤ +${HELLO_POINTS} pp)`,
      `${median(vsPeer) < 1 ? 'MET' : 'MISSED'}: ${f} hello world, inferlens CPU/request vs ${LABELS[f].peer} ${spread(vsPeer, pct)} (target: ahead of the peer)`,
      `${median(sseExtra) <= 1 + SSE_PER_CENT / 100 ? 'MET' : 'MISSED'}: ${f} SSE (${SSE_EVENTS} events), inferlens CPU/stream vs ${LABELS[f].noop} ${spread(sseExtra, pct)} (target ≤ +${SSE_PER_CENT} %)`,
      `READING: ${f} hello world, a known ${CALIBRATION_NS} ns of pure CPU on the ${LABELS[f].noop} reads as ${spread(known, points)} of bare in this run; inferlens CPU/request vs that calibration ${spread(vsKnown, pct)} (below 0: inferlens cost less than ${CALIBRATION_NS} ns here)`,
      `READING: ${f} SSE, the calibration adds ${CALIBRATION_NS} ns to a stream that costs hundreds of µs (under 0.1 %), so it is the empty middleware again: it reads as ${spread(sseKnown, pct)} against it in this run, the noise the SSE target is read through`,
    );
    for (const v of VARIANTS) {
      const h = hello.get(v)!;
      const s = sse.get(v)!;
      const vsBare =
        v === 'bare'
          ? ''
          : spread(
              perRound(hello, (at) => at(v) / at('bare')),
              pct,
            );
      const vsNoop =
        v === 'bare' || v === 'noop'
          ? ''
          : spread(
              perRound(sse, (at) => at(v) / at('noop')),
              pct,
            );
      rows.push(
        `| ${f} | ${LABELS[f][v]} | ${median(h.cpu).toFixed(2)} µs | ${vsBare} | ${spread(h.rates, count)} | ${median(s.cpu).toFixed(1)} µs | ${vsNoop} | ${spread(s.rates, count)} | ${v === 'inferlens' ? `${profiledMicros.toFixed(2)} µs` : ''} |`,
      );
    }
  }
  const path = await recordingPath();
  const ns = path.inferlens.median - path.baseline.median;
  verdicts.push(
    `${ns <= RECORDING_NS ? 'MET' : 'MISSED'}: the middleware's own recording path, in isolation, ${ns.toFixed(0)} ns per request (begin, follow the response, end on close; ${path.inferlens.median.toFixed(0)} − ${path.baseline.median.toFixed(0)} ns of a bare response object; target ≤ ${RECORDING_NS} ns)`,
  );
  const table = [
    '| framework | variant | hello: server CPU / request | vs bare (middle half) | req/s (middle half) | SSE: server CPU / stream | vs empty middleware (middle half) | streams/s (middle half) | inferlens own CPU / request, profiled |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  const notes = [
    `All five variants of a framework in one server process, loaded 1 s at a time in ${rounds} rotating rounds per route after a 2 s warm-up each; autocannon, ${CONNECTIONS} connections (${PIPELINING} pipelined for hello world, none for SSE). Server CPU from \`process.cpuUsage()\` around each run; medians over rounds, and for the changes the median and middle half (first to third quartile) of each round's ratio. Throughput is information, not a target: on this shared two-core machine the load generator competes with the server.`,
    `The SSE route writes ${SSE_EVENTS} events, each in its own event-loop turn, then ends; Hono's is a Web stream.`,
    `"inferlens own CPU / request, profiled": one more ${PROFILE_SECONDS} s hello-world run of the inferlens server under V8's sampling profiler, the time in inferlens's code and the Node code it calls (not the app, not the original write/end it wraps; GC not attributed).`,
  ];
  return { table, verdicts, notes };
}
