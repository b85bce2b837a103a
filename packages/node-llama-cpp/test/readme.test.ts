import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

// The README's example runs as written (imports resolve to this package's sources).
it('runs the README example', async () => {
  const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain('instrumentLlama');
  const dir = mkdtempSync(join(tmpdir(), 'inferlens-readme-'));
  const file = join(here, `.readme-example-${process.pid}.ts`);
  const logs: string[] = [];
  const log = console.log;
  const cwd = process.cwd();
  try {
    writeFileSync(file, `${code}\nexport {};\n`);
    process.chdir(dir);
    console.log = (text: string) => logs.push(text);
    await import(file);
  } finally {
    console.log = log;
    process.chdir(cwd);
    rmSync(file, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
  const body = logs.join('\n');
  expect(body).toMatch(
    /llm_requests_total\{model_name="tiny",engine="node-llama-cpp",finish_reason="length"\} 6/,
  );
  expect(body).toMatch(/llm_model_load_time_seconds\{model_name="tiny"/);
});
