/**
 * HTTP throughput: a hello-world route (`GET /hello/:name`) on Express, Fastify and Hono, bare,
 * with an empty middleware (the floor any middleware pays), with inferlens, and with each
 * framework's usual metrics peer (express-prom-bundle, fastify-metrics, @hono/prometheus).
 * autocannon runs in this process against servers in child processes. Every round starts fresh
 * servers of one framework, warms them up and measures each once, back to back in a rotating
 * order, so a noisy neighbour slows all variants alike. Reported: the median over rounds of
 * requests per second and of the server's CPU time per request (which moves far less than req/s
 * when other work shares the machine), each middleware's own share from a CPU profile, and the
 * change in CPU per request with every variant of a framework in one process (`pairedRounds`).
 */
import {
  ask,
  CONNECTIONS,
  change,
  FRAMEWORKS,
  measure,
  median,
  PIPELINING,
  pairedRounds,
  pct,
  type Rounds,
  type Running,
  startGroup,
  stopGroup,
  VARIANTS,
} from '../http/load.js';
import { attribute, type CpuProfile, INFERLENS, packages, type Subject } from '../http/profile.js';
import type { Framework, Variant } from '../http/server.js';

const LABELS: Record<Framework, Record<Variant, string>> = {
  express: {
    bare: 'bare',
    noop: 'empty middleware',
    inferlens: 'inferlens',
    peer: 'express-prom-bundle 8',
  },
  fastify: {
    bare: 'bare',
    noop: 'empty onRequest hook',
    inferlens: 'inferlens',
    peer: 'fastify-metrics 13',
  },
  hono: {
    bare: 'bare',
    noop: 'empty middleware',
    inferlens: 'inferlens',
    peer: '@hono/prometheus 1',
  },
};
// autocannon measures in whole seconds.
const ROUNDS = 6;
const SECONDS = 2;
const PROFILE_SECONDS = 3;
// Rounds of 1 s per variant with every variant in one process.
const PAIRED_ROUNDS = 10;
const WARMUP_SECONDS = 2;

/** Whose code the profile attributes, per variant (peers with the prom-client they record into). */
const SUBJECTS: Record<Framework, Partial<Record<Variant, Subject>>> = {
  express: {
    inferlens: INFERLENS,
    // Not on-finished: Express itself uses it too, so the peer's share is not overstated.
    peer: packages(['express-prom-bundle', 'prom-client', 'url-value-parser']),
  },
  fastify: { inferlens: INFERLENS, peer: packages(['fastify-metrics', 'prom-client']) },
  hono: { inferlens: INFERLENS, peer: packages(['@hono/prometheus', 'prom-client']) },
};

/** Bare servers are profiled too, for where their time goes; no code of theirs is a middleware. */
const NOBODY: Subject = { owns: () => false };

/** What the rounds measured for one variant, over all its processes. */
interface Tally {
  framework: Framework;
  variant: Variant;
  rates: number[];
  cpu: number[];
  /** Share of the server's busy CPU time in the middleware's code, from a profiled run. */
  share?: number;
  /** The middleware's CPU µs per request, from the same run. */
  ownMicros?: number;
  /** Busy and socket-write µs per request, from the same run. */
  busyMicros?: number;
  writeMicros?: number;
}

/** One run under the V8 profiler: the middleware's share of the busy CPU time, and µs per request. */
async function profile(
  s: Running,
  subject: Subject,
): Promise<Pick<Tally, 'share' | 'ownMicros' | 'busyMicros' | 'writeMicros'>> {
  await ask(s.child, 'profile-start');
  const [, , requests] = await measure(s, PROFILE_SECONDS);
  const { profile } = await ask<{ profile: CpuProfile }>(s.child, 'profile-stop');
  const a = attribute(profile, subject);
  return {
    ...(subject === NOBODY
      ? {}
      : { share: a.oursMicros / a.busyMicros, ownMicros: a.oursMicros / requests }),
    busyMicros: a.busyMicros / requests,
    writeMicros: a.writeMicros / requests,
  };
}

export async function run(): Promise<{ title: string; table: string; notes?: string[] }> {
  // Results per framework and variant, gathered from a fresh set of server processes every round:
  // one process of a variant can run a few per cent faster or slower than the next for its whole
  // life (where the JIT and the allocator happened to land), which paired rounds in the same
  // processes would report as the middleware's cost.
  const tallies: Tally[] = FRAMEWORKS.flatMap((framework) =>
    VARIANTS.map((variant) => ({ framework, variant, rates: [], cpu: [] })),
  );
  const slot = (f: Framework, v: Variant) =>
    tallies.find((t) => t.framework === f && t.variant === v)!;
  for (let round = 0; round < ROUNDS; round++)
    for (const f of FRAMEWORKS) {
      const group = await startGroup(f, VARIANTS);
      try {
        for (const s of group) await measure(s, WARMUP_SECONDS);
        // Back to back in a rotating order, so each ratio to bare compares runs seconds apart.
        for (let k = 0; k < group.length; k++) {
          const s = group[(k + round) % group.length]!;
          const [rate, cpu] = await measure(s, SECONDS);
          slot(f, s.variant).rates.push(rate);
          slot(f, s.variant).cpu.push(cpu);
        }
      } finally {
        await stopGroup(group);
      }
    }
  // The same variants once more, all in one process (see pairedRounds): the steadiest figure of
  // the change in CPU per request, though bare there shares inferlens's prototype wrappers.
  const paired = new Map<Framework, Rounds>();
  for (const f of FRAMEWORKS) paired.set(f, await pairedRounds(f, VARIANTS, PAIRED_ROUNDS));
  for (const f of FRAMEWORKS) {
    const profiled = VARIANTS.filter((v) => v === 'bare' || SUBJECTS[f][v] !== undefined);
    const group = await startGroup(f, profiled);
    try {
      for (const s of group) {
        await measure(s, WARMUP_SECONDS);
        Object.assign(slot(f, s.variant), await profile(s, SUBJECTS[f][s.variant] ?? NOBODY));
      }
    } finally {
      await stopGroup(group);
    }
  }
  const rows: string[] = [];
  const verdicts: string[] = [];
  const writes: string[] = [];
  for (const f of FRAMEWORKS) {
    const of = (v: Variant) => slot(f, v);
    // The targets, on the median of each round's throughput ratio to bare.
    const loss = (v: Variant) => median(of(v).rates.map((x, i) => x / of('bare').rates[i]!));
    const [mine, peer] = [loss('inferlens'), loss('peer')];
    verdicts.push(
      `${mine >= 0.95 ? 'MET' : 'MISSED'}: ${f}, inferlens throughput vs bare ${pct(mine)} (target ≥ −5 %; an empty ${f === 'fastify' ? 'hook' : 'middleware'} alone: ${pct(loss('noop'))})`,
      `${mine > peer ? 'MET' : 'MISSED'}: ${f}, inferlens ${pct(mine)} vs ${LABELS[f].peer} ${pct(peer)} (target: ahead of the peer)`,
    );
    const bare = of('bare');
    const us = (x: number | undefined) => `${(x ?? 0).toFixed(1)} µs`;
    writes.push(
      `${f} ${us(bare.writeMicros)} of ${us(bare.busyMicros)} bare, ${us(of('inferlens').writeMicros)} of ${us(of('inferlens').busyMicros)} with inferlens`,
    );
    for (const v of VARIANTS) {
      const s = of(v);
      const own =
        s.share === undefined
          ? ''
          : `${(s.share * 100).toFixed(1)} % (${s.ownMicros!.toFixed(2)} µs)`;
      const inOne = paired.get(f)!;
      rows.push(
        `| ${f} | ${LABELS[f][v]} | ${Math.round(median(s.rates)).toLocaleString('en-US')} | ${v === 'bare' ? '' : change(s.rates, bare.rates)} | ${median(s.cpu).toFixed(1)} µs | ${v === 'bare' ? '' : change(s.cpu, bare.cpu)} | ${v === 'bare' ? '' : change(inOne.get(v)!.cpu, inOne.get('bare')!.cpu)} | ${own} |`,
      );
    }
  }
  return {
    title: 'HTTP middleware overhead (hello world)',
    table: [
      "| framework | variant | req/s | vs bare (middle half) | server CPU / request | vs bare (middle half) | CPU / request vs bare, all in one process (middle half) | middleware's own share of server CPU (µs / request), profiled |",
      '|---|---|---:|---:|---:|---:|---:|---:|',
      ...rows,
    ].join('\n'),
    notes: [
      ...verdicts,
      `autocannon, ${CONNECTIONS} connections × ${PIPELINING} pipelined. ${ROUNDS} rounds; each starts fresh server processes of one framework (a process can run a few per cent off its twin for its whole life), warms each up for ${WARMUP_SECONDS} s, then measures each for ${SECONDS} s back to back in a rotating order. Medians over rounds, and for the changes the median and middle half of each round's ratio to bare. Servers and the load generator are separate processes on one machine: on few cores the generator competes with the server, so req/s is noisy and CPU per request is the steadier figure.`,
      'inferlens records per request: the request counter, duration to the end of the body, time to first byte, request and response bytes, and in-flight. express-prom-bundle (method and path labels on) and fastify-metrics (histogram only, no summary, no default metrics) record one duration histogram; @hono/prometheus a counter and a histogram.',
      `The last column comes from one more ${PROFILE_SECONDS} s run per server under V8's sampling profiler (250 µs): the share of the server's busy CPU time spent in the middleware's own code (for a peer, its package and prom-client) and in Node code it calls, not in the app it calls on to or in the response writes it wraps; GC is not attributed. It is the figure the machine's noise does not move; the change in CPU per request is the whole cost, with the GC and cache effects the middleware causes.`,
      `The column "all in one process" serves the four variants of a framework from one process, loaded 1 s at a time for ${PAIRED_ROUNDS} rotating rounds (\`pnpm --filter @inferlens/bench paired\` runs it alone): twin processes differ by 5–20 % for their whole life, one process does not, so this is the steadiest figure. In it, bare's responses also pass through the wrappers inferlens puts on Node's \`ServerResponse.prototype\` (one lookup per write, end and emit), which makes inferlens's change there low by that much.`,
      'Hono answers a single-handler app without composing middleware or promises; any middleware, the empty one included, gives that up, which is the gap between "bare" and "empty middleware".',
      `Where a request's CPU goes, from the same profiled runs (per request, time inside the socket write call, of the busy time): ${writes.join('; ')}. On this virtual machine the write system call (the kernel's loopback TCP) is most of a hello-world request. A change in it between bare and inferlens is part of a middleware's cost that no profile of the middleware's own code can show.`,
    ],
  };
}
