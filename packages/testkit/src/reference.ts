/// <reference types="node" />
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The reference data lives in `shared/reference/fixtures` beside the repository (CI always has it;
 * a user's clone may not). It is read at test time and never copied into the repository.
 */
function referenceDir(): string | undefined {
  const env = process.env.INFERLENS_REFERENCE_DIR;
  if (env) return existsSync(env) ? env : undefined;
  let dir = process.cwd();
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, '..', 'shared', 'reference', 'fixtures');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** The text of a reference fixture, or undefined when the reference data is missing. */
export function referenceFixture(name: string): string | undefined {
  const dir = referenceDir();
  if (dir === undefined) return undefined;
  const path = join(dir, name);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/**
 * A test title that says why the test is skipped when its fixture is missing.
 *
 * @example
 * const text = referenceFixture('tgi-metrics-sample.txt');
 * it.skipIf(!text)(referenceTitle('parses the real TGI scrape', text), () => { … });
 */
export function referenceTitle(title: string, text: string | undefined): string {
  return text === undefined
    ? `${title} (skipped: the reference data ../shared/reference/fixtures is missing)`
    : title;
}
