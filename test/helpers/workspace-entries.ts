import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

type Target = string | { import?: Target; default?: Target };

function importPath(target: Target | undefined): string | undefined {
  if (target === undefined || typeof target === 'string') return target;
  return importPath(target.import) ?? importPath(target.default);
}

/**
 * Every `@inferlens/*` entry point (`.`, `./otlp`, `./internal`, …) mapped to its source file,
 * read from the exports maps (`./dist/x.js` is built from `src/x.ts`), so runtimes that load
 * TypeScript or bundle it run the sources, as vitest does, with no build step.
 */
export function workspaceEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  const packages = join(REPO, 'packages');
  for (const dir of readdirSync(packages)) {
    const manifest = join(packages, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name: string;
      exports?: Record<string, Target>;
    };
    for (const [key, target] of Object.entries(pkg.exports ?? {})) {
      const dist = importPath(target);
      const m = dist === undefined ? null : /^\.\/dist\/(.+)\.js$/.exec(dist);
      if (!m) continue;
      const source = join(packages, dir, 'src', `${m[1]}.ts`);
      if (existsSync(source)) entries[pkg.name + key.slice(1)] = source;
    }
  }
  return entries;
}
