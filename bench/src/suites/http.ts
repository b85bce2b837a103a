/**
 * HTTP throughput: a hello-world route (`GET /hello/:name`) on Express, Fastify and Hono, bare,
 * with an empty middleware (the floor any middleware pays), with inferlens, and with each
 * framework's usual metrics peer (express-prom-bundle, fastify-metrics, @hono/prometheus).
 * autocannon runs in this process against servers in child processes. All servers start first and
 * are warmed up; then every round measures each of them once, in a rotating order, so a noisy
 * neighbour slows all variants alike. Reported: the median over rounds of requests per second and
 * of the server's CPU time per request (which moves far less than req/s when other work shares
 * the machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Framework, Variant } from '../http/server.js';

const FRAMEWORKS: Framework[] = ['express', 'fastify', 'hono'];
const VARIANTS: Variant[] = ['bare', 'noop', 'inferlens', 'peer'];
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
const ROUNDS = 5;
const SECONDS = 1;
const WARMUP_SECONDS = 1;
const CONNECTIONS = 32;
// Pipelining lets one load-generator process saturate the server on few cores, so the server's
// own cost, not the generator's, sets the rate.
const PIPELINING = 4;

const here = dirname(fileURLToPath(import.meta.url));
const serverFile = join(here, '..', 'http', 'server.ts');

interface Running {
  framework: Framework;
  variant: Variant;
  child: ChildProcess;
  url: string;
  rates: number[];
  cpu: number[];
}

async function startServer(framework: Framework, variant: Variant): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', serverFile, framework, variant], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) =>
      reject(new Error(`${framework}/${variant} server exited with ${code}`)),
    );
  });
  const { port } = JSON.parse(line) as { port: number };
  const url = `http://127.0.0.1:${port}/hello/world`;
  return { framework, variant, child, url, rates: [], cpu: [] };
}

function cpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { cpuMicros: number }).cpuMicros));
    child.send('cpu');
  });
}

/** One run: requests per second and server CPU µs per request. Errors or non-2xx fail the suite. */
async function measure(s: Running, seconds: number): Promise<[number, number]> {
  const before = await cpuMicros(s.child);
  const r = await autocannon({
    url: s.url,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration: seconds,
  });
  const after = await cpuMicros(s.child);
  if (r.errors > 0 || r.non2xx > 0 || r.timeouts > 0)
    throw new Error(`${s.url}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.timeouts} timeouts`);
  return [r.requests.total / r.duration, (after - before) / r.requests.total];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A ratio as a signed percentage change. */
const pct = (r: number) => `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(1)} %`;

export async function run(): Promise<{ title: string; table: string; notes?: string[] }> {
  const servers: Running[] = [];
  try {
    const starting = FRAMEWORKS.flatMap((f) => VARIANTS.map((v) => startServer(f, v)));
    // allSettled, so a server that failed to start does not leave the others running.
    for (const r of await Promise.allSettled(starting))
      if (r.status === 'fulfilled') servers.push(r.value);
    if (servers.length < starting.length) throw new Error('an HTTP bench server did not start');
    for (const s of servers) await measure(s, WARMUP_SECONDS);
    // Each round measures one framework's variants back to back (in a rotating order), so the
    // ratio to bare compares runs seconds apart; the table shows medians of those ratios.
    for (let round = 0; round < ROUNDS; round++)
      for (const f of FRAMEWORKS) {
        const group = servers.filter((s) => s.framework === f);
        for (let k = 0; k < group.length; k++) {
          const s = group[(k + round) % group.length]!;
          const [rate, cpu] = await measure(s, SECONDS);
          s.rates.push(rate);
          s.cpu.push(cpu);
        }
      }
  } finally {
    for (const s of servers) s.child.kill();
  }
  const rows: string[] = [];
  for (const f of FRAMEWORKS) {
    const of = (v: Variant) => servers.find((s) => s.framework === f && s.variant === v)!;
    const bare = of('bare');
    for (const v of VARIANTS) {
      const s = of(v);
      const ratio = (mine: number[], base: number[]) => median(mine.map((x, i) => x / base[i]!));
      const vs =
        v === 'bare' ? ['', ''] : [pct(ratio(s.rates, bare.rates)), pct(ratio(s.cpu, bare.cpu))];
      rows.push(
        `| ${f} | ${LABELS[f][v]} | ${Math.round(median(s.rates)).toLocaleString('en-US')} | ${vs[0]} | ${median(s.cpu).toFixed(1)} µs | ${vs[1]} |`,
      );
    }
  }
  return {
    title: 'HTTP middleware overhead (hello world)',
    table: [
      '| framework | variant | req/s | vs bare | server CPU / request | vs bare |',
      '|---|---|---:|---:|---:|---:|',
      ...rows,
    ].join('\n'),
    notes: [
      `autocannon, ${CONNECTIONS} connections × ${PIPELINING} pipelined, ${ROUNDS} rounds of ${SECONDS} s per server after a ${WARMUP_SECONDS} s warm-up; medians over rounds, and for the changes the median of each round's ratio to bare measured seconds apart. Servers and the load generator are separate processes on one machine: on few cores the generator competes with the server, so req/s is noisy and CPU per request is the steadier figure.`,
      'inferlens records per request: the request counter, duration to the end of the body, time to first byte, request and response bytes, and in-flight. express-prom-bundle (method and path labels on) and fastify-metrics (histogram only, no summary, no default metrics) record one duration histogram; @hono/prometheus a counter and a histogram.',
      'Hono answers a single-handler app without composing middleware or promises; any middleware, the empty one included, gives that up, which is the gap between "bare" and "empty middleware".',
    ],
  };
}
