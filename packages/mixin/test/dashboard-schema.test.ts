import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateMixin } from '../src/index.js';

/**
 * The dashboards' JSON checked against Grafana's own dashboard schema: `@grafana/schema` publishes
 * the types generated from Grafana's CUE schema of the classic dashboard model (no JSON Schema is
 * published). Each generated file is pasted, as written, into a TypeScript module as an object
 * literal `satisfies` that type, and tsc must accept it: an unknown field anywhere is an excess
 * property, a wrong type or enum value a type error. String enums are widened to their values,
 * since JSON holds strings. A dashboard with a misspelled field must be refused.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
// Inside the package, so `@grafana/schema` resolves from its node_modules.
const dir = join(here, '..', '.dashboard-schema-check');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = `import type { Dashboard } from '@grafana/schema/dist/esm/raw/dashboard/x/Dashboard_types.gen';
type Json<T> = T extends string ? \`\${T}\` : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
`;

function tsc(files: Record<string, string>) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, json] of Object.entries(files))
    writeFileSync(
      join(dir, name),
      `${HEADER}export const dashboard = ${json.trim()} satisfies Json<Dashboard>;\n`,
    );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'ESNext',
        moduleResolution: 'Bundler',
        target: 'ES2022',
        skipLibCheck: true,
        types: [],
      },
      include: ['*.ts'],
    }),
  );
  const bin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return spawnSync(process.execPath, [bin, '-p', dir], { encoding: 'utf8', timeout: 120_000 });
}

describe("dashboards against Grafana's dashboard schema", () => {
  it('every generated dashboard file type-checks as a Grafana Dashboard', () => {
    const m = generateMixin({ prices: { 'llama-3-8b': { input: 0.05, output: 0.1 } } });
    const files = Object.fromEntries(
      m.files
        .filter((f) => f.path.startsWith('grafana/dashboards/'))
        .map((f) => [
          f.path
            .split('/')
            .pop()!
            .replace(/\.json$/, '.ts'),
          f.content,
        ]),
    );
    expect(Object.keys(files)).toHaveLength(4);
    const r = tsc(files);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses a dashboard with a misspelled field or a wrong value', () => {
    const m = generateMixin();
    const json = m.files.find((f) => f.path.endsWith('llm-http.json'))!.content;
    const r = tsc({
      'bad-field.ts': json.replace('"title":', '"titel":'),
      'bad-value.ts': json.replace(/"mode": "absolute"/, '"mode": "relative"'),
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('bad-field.ts');
    expect(r.stdout).toMatch(/'"titel"' does not exist/);
    expect(r.stdout).toContain('bad-value.ts');
  });
});
