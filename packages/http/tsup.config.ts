import { readFileSync } from 'node:fs';
import { packageConfig } from '../../tsup.shared';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// Two doors: the application's (`.`) and the adapters' (`./internal`), sharing one copy of each
// module in ESM and CJS alike.
export default packageConfig({
  entry: ['src/index.ts', 'src/internal.ts'],
  splitting: true,
  define: { __INFERLENS_HTTP_VERSION__: JSON.stringify(version) },
});
