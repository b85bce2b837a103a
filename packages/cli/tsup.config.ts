import { readFileSync } from 'node:fs';
import { packageConfig } from '../../tsup.shared';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// ESM only: a command, not a library (no types to ship); its mixin dependency is ESM-only too.
export default packageConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  define: { __VERSION__: JSON.stringify(version) },
});
