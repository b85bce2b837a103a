import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

// Tests run against the sources of every workspace package, so no build step sits between an edit
// and a test run. Published packages resolve to dist/ through their exports maps instead.
// `@inferlens/<pkg>/internal` is the door between our packages (src/internal.ts).
const alias = readdirSync(join(root, 'packages')).flatMap((dir) => [
  {
    find: new RegExp(`^@inferlens/${dir}$`),
    replacement: join(root, 'packages', dir, 'src', 'index.ts'),
  },
  {
    find: new RegExp(`^@inferlens/${dir}/internal$`),
    replacement: join(root, 'packages', dir, 'src', 'internal.ts'),
  },
]);

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', '*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Every package writes a JSON report beside it; scripts/test-summary.mjs adds them up into
    // the one closing line CI reads.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-result.json' },
  },
});
