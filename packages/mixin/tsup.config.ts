import { packageConfig } from '../../tsup.shared';

// ESM only: the Kubernetes models it builds on are ESM-only, and it is a build-time tool.
export default packageConfig({ entry: ['src/index.ts', 'src/cli.ts'], format: ['esm'] });
