import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The docs runner (scripts/docs-examples.mjs) on Markdown written here: it must report each way a
 * documented example can be broken, at the Markdown line, and leave the marked blocks alone.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'docs-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fence = '```';
const block = (info: string, code: string) => `${fence}${info}\n${code}\n${fence}\n`;

function runDocs(name: string, markdown: string) {
  const file = join(dir, name);
  writeFileSync(file, markdown);
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'scripts', 'docs-examples.mjs'),
      '--files',
      file,
      '--work',
      join(root, '.docs-examples-test'),
      '--timeout',
      '8',
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the docs runner', () => {
  it('passes programs that exit, and servers that answer /metrics and stop on SIGTERM', () => {
    const md = [
      '# Good',
      block('ts', 'const n: number = 2;\nconsole.log(n * 21);'),
      block(
        'ts',
        [
          "import { createServer } from 'node:http';",
          '',
          "const server = createServer((_req, res) => res.end('ok')).listen(3000);",
          "process.on('SIGTERM', () => server.close());",
        ].join('\n'),
      ),
      block(
        'ts',
        "import { createServer } from 'node:http';\n\ncreateServer((_q, s) => s.end()).listen(3000);",
      ),
      block('ts fragment', 'undefinedThing.call();'),
      block('ts no-run', 'const n: number = 1;\nsetInterval(() => console.log(n), 1000);'),
    ].join('\n');
    const r = runDocs('good.md', md);
    expect(r.out).toContain(
      '5 code blocks in 1 files: 3 run and type-checked, 1 type-checked only (no-run), 1 fragments',
    );
    expect(r.status, r.out).toBe(0);
  });

  it('fails on a type error, a throw, a wrong /metrics answer and a handler that keeps the process alive', () => {
    const md = [
      '# Bad', // line 1
      '',
      block('ts', "const n: number = 'two';\nconsole.log(n);"), // code at line 4: a type error (it runs fine)
      block('ts', "throw new Error('boom');"), // line 9
      block(
        'ts',
        "import { createServer } from 'node:http';\n\ncreateServer((_q, s) => s.writeHead(404).end()).listen(3000);",
      ), // line 13
      block(
        'ts',
        [
          "import { createServer } from 'node:http';",
          '',
          "createServer((_q, s) => s.end('ok')).listen(3000);",
          "process.on('SIGTERM', () => console.log('ignored'));",
        ].join('\n'),
      ), // line 19
    ].join('\n');
    const r = runDocs('bad.md', md);
    expect(r.status, r.out).toBe(1);
    const file = join(dir, 'bad.md');
    expect(r.out).toContain(`${file}:4: error TS2322`);
    expect(r.out).toMatch(new RegExp(`${file}:9: exited with 1[\\s\\S]*boom`));
    expect(r.out).toContain(`${file}:13: GET /metrics answered 404`);
    expect(r.out).toContain(`${file}:19: still running 8 s after SIGTERM`);
    expect(r.out).toContain('4 problem(s)');
  });
});
