import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const tsx = here('../../../node_modules/.bin/tsx');
/** Inside the package, so the examples' `@opentelemetry/*` imports resolve as an app's would. */
const dir = here('../node_modules/.readme/');
const SOURCES: Record<string, string> = {
  '@inferlens/core': here('../../core/src/index.ts'),
  '@inferlens/otel': here('../src/index.ts'),
  '@inferlens/otel/otlp': here('../src/otlp-entry.ts'),
  '@inferlens/otel/prometheus': here('../src/prometheus-entry.ts'),
};

/** Every ```ts block of the README, in order, with its section's heading. */
function blocks(): { heading: string; code: string }[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const out: { heading: string; code: string }[] = [];
  let heading = '';
  for (const part of readme.split(/^```/m).entries()) {
    const [i, text] = part;
    if (i % 2 === 0) heading = [...text.matchAll(/^## (.+)$/gm)].at(-1)?.[1] ?? heading;
    else if (text.startsWith('ts\n')) out.push({ heading, code: text.slice(3) });
  }
  return out;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Runs a block as written, with our imports pointed at the sources; resolves with how it ended. */
async function run(code: string, name: string, env: Record<string, string> = {}) {
  let source = code;
  for (const [from, to] of Object.entries(SOURCES))
    source = source.replaceAll(`'${from}'`, JSON.stringify(to));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${name}.mts`;
  writeFileSync(file, source);
  const child = spawn(tsx, [file], { env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code_ = await new Promise<number | null>((done) => child.on('exit', done));
  clearTimeout(timer);
  return { code: code_, output };
}

describe('the README examples run as written and end on their own (#11, #15)', () => {
  const all = blocks();

  it('has the examples this test knows', () => {
    expect(all.map((b) => b.heading)).toEqual([
      'Push over OTLP',
      'Serve through exporter-prometheus',
      'Serve through exporter-prometheus',
      'Bring your own SDK',
      'Server or client',
    ]);
  });

  it('Push over OTLP: pushes to a collector, and ends in time when there is none', async () => {
    const bodies: string[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    }).listen(0, '127.0.0.1');
    await new Promise((r) => collector.once('listening', r));
    const url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/metrics`;
    try {
      const pushed = await run(all[0]!.code, 'otlp', { OTLP_URL: url });
      expect(pushed.output).toBe('');
      expect(pushed.code).toBe(0);
      const names = bodies.flatMap((b) =>
        JSON.parse(b).resourceMetrics.flatMap(
          (rm: { scopeMetrics: { metrics: { name: string }[] }[] }) =>
            rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.name)),
        ),
      );
      expect(names).toContain('gen_ai.server.time_to_first_token');
    } finally {
      collector.close();
    }
    // Nothing listening: the export fails to OTel's diag logger and shutdown() ends it.
    const started = Date.now();
    const alone = await run(all[0]!.code, 'otlp-alone', {
      OTLP_URL: `http://127.0.0.1:${await freePort()}/v1/metrics`,
    });
    expect(alone.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 40_000);

  it('Serve through exporter-prometheus: serves, is scraped once and stops', async () => {
    const port = await freePort();
    const { code, output } = await run(all[1]!.code.replaceAll('9464', String(port)), 'prometheus');
    expect(output).toContain('llm_requests_total{');
    expect(output).toContain('gen_ai_request_model="llama-3-8b"');
    expect(code).toBe(0);
  }, 30_000);

  it('Serve through exporter-prometheus on your own server', async () => {
    const { code, output } = await run(all[2]!.code, 'own-server');
    expect(output.trim()).toBe('200');
    expect(code).toBe(0);
  }, 30_000);

  it('Bring your own SDK', async () => {
    const { code, output } = await run(all[3]!.code, 'own-sdk');
    expect(output).toContain("'gen_ai.server.time_to_first_token'");
    expect(code).toBe(0);
  }, 30_000);

  it('Server or client', async () => {
    const { code, output } = await run(all[4]!.code, 'vantage');
    expect(output).toContain('Hello');
    expect(output).toContain("'gen_ai.client.operation.duration'");
    expect(output).toContain("'gen_ai.client.operation.time_to_first_chunk'");
    expect(output).not.toContain('gen_ai.server.');
    expect(code).toBe(0);
  }, 30_000);
});
