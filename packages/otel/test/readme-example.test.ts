import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = (pkg: string) => fileURLToPath(new URL(`../../${pkg}/src/index.ts`, import.meta.url));

/** The README's exporter-prometheus example, imports pointed at the sources and on a free port. */
async function example(): Promise<{ file: string; port: number }> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Serve through exporter-prometheus'));
  const code = section.slice(
    section.indexOf('```ts') + 5,
    section.indexOf('```', section.indexOf('```ts') + 5),
  );
  const port = await new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => done(p));
    });
  });
  expect(code).toContain('port: 9464');
  const file = join(mkdtempSync(join(tmpdir(), 'inferlens-readme-')), 'example.mts');
  writeFileSync(
    file,
    code
      .replace("'@inferlens/core'", JSON.stringify(src('core')))
      .replace("'@inferlens/otel'", JSON.stringify(src('otel')))
      .replace('port: 9464', `port: ${port}`),
  );
  return { file, port };
}

describe('the README exporter-prometheus example (#11)', () => {
  it('keeps running and serving /metrics when run as written, and exits on SIGTERM', async () => {
    const { file, port } = await example();
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, [file], { stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        expect(child.exitCode, 'the example exited instead of serving').toBeNull();
        status = await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.status,
          () => 0,
        );
      }
      expect(status).toBe(200);
      await new Promise((r) => setTimeout(r, 500));
      expect(child.exitCode).toBeNull();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
