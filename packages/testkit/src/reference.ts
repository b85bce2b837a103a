/// <reference types="node" />
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A captured fixture from the `fixtures/` folder beside a test file, checked against the sha256
 * its folder's README lists, so a fixture edited by hand (or by a line-ending conversion) fails
 * loudly instead of quietly testing something the engine never wrote. Throws when the file, its
 * README entry or the hash does not match: a missing fixture is a broken checkout, never a skip.
 *
 * @example
 * const text = readFixture(import.meta.url, 'tgi-metrics-sample.txt');
 */
export function readFixture(testFile: string, name: string): string {
  const dir = join(dirname(fileURLToPath(testFile)), 'fixtures');
  const path = join(dir, name);
  const readme = join(dir, 'README.md');
  if (!existsSync(path)) throw new Error(`[@inferlens/testkit] readFixture: ${path} is missing`);
  if (!existsSync(readme))
    throw new Error(`[@inferlens/testkit] readFixture: ${readme} (provenance) is missing`);
  const section = readFileSync(readme, 'utf8')
    .split(/^## /m)
    .find((s) => s.startsWith(`\`${name}\``) || s.startsWith(`${name}\n`));
  const listed = section?.match(/sha256 `([0-9a-f]{64})`/)?.[1];
  if (listed === undefined)
    throw new Error(`[@inferlens/testkit] readFixture: ${readme} lists no sha256 for ${name}`);
  const bytes = readFileSync(path);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== listed)
    throw new Error(
      `[@inferlens/testkit] readFixture: ${name} has sha256 ${actual}, its README lists ${listed}; fixtures are kept byte for byte`,
    );
  return bytes.toString('utf8');
}
