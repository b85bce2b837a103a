// Adds up the vitest JSON reports every package writes (.vitest-result.json) into one closing line.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dirs = [
  'test',
  'bench',
  ...['packages', 'examples'].flatMap((d) => readdirSync(d).map((p) => join(d, p))),
];
if (process.argv.includes('--clean')) {
  for (const dir of dirs) rmSync(join(dir, '.vitest-result.json'), { force: true });
  process.exit(0);
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of dirs) {
  const file = join(dir, '.vitest-result.json');
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  console.log(`${dir}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
