import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (bind to 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface PrometheusServer {
  url: string;
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** A GET of the HTTP API (`/api/v1/…`), its `data`. */
  api(path: string): Promise<unknown>;
  /** Resolves once every target has been scraped successfully at least `scrapes` times. */
  waitForScrapes(jobs: string[], scrapes?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the real Prometheus server from Debian's `prometheus` package (installed by
 * scripts/system-deps.sh) with the given scrape jobs, on a fresh TSDB in a temp dir.
 */
export async function startPrometheus(
  jobs: { name: string; target: string; path?: string }[],
): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'inferlens-prom-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 900ms',
    'scrape_configs:',
    ...jobs.flatMap((j) => [
      `  - job_name: ${j.name}`,
      `    metrics_path: ${j.path ?? '/metrics'}`,
      '    static_configs:',
      `      - targets: ['${j.target}']`,
    ]),
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  return runPrometheus(join(dir, 'prometheus.yml'), dir, port);
}

/**
 * Runs Prometheus on `configFile` (rule files resolve next to it), its TSDB in `dir` (removed on
 * stop), listening on `port` of 127.0.0.1.
 */
export async function runPrometheus(
  configFile: string,
  dir: string,
  port: number,
): Promise<PrometheusServer> {
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const api = async (path: string) => {
    const res = await fetch(url + path);
    const body = (await res.json()) as { status: string; data: unknown };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${JSON.stringify(body)}`);
    return body.data;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {}
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`prometheus did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const server: PrometheusServer = {
    url,
    api,
    async query(expr) {
      const data = (await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as {
        result: { metric: Record<string, string>; value: [number, string] }[];
      };
      return data.result;
    },
    async waitForScrapes(names, scrapes = 2) {
      const until = Date.now() + 20_000;
      for (;;) {
        const ups = (await server.query('count_over_time(up[1m]) and up == 1')) as {
          metric: Record<string, string>;
          value: [number, string];
        }[];
        const ok = names.every((n) =>
          ups.some((u) => u.metric.job === n && Number(u.value[1]) >= scrapes),
        );
        if (ok) return;
        if (Date.now() > until) {
          const targets = await api('/api/v1/targets');
          throw new Error(`targets not healthy: ${JSON.stringify(targets)}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
