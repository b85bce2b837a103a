import { packageConfig } from '../../tsup.shared';

// ESM only: a build-time tool and a command (its bin uses top-level await).
export default packageConfig({
  entry: ['src/index.ts', 'src/internal.ts', 'src/cli.ts'],
  format: ['esm'],
});
