import { packageConfig } from '../../tsup.shared';

// Two doors: the application's (`.`) and the one between @inferlens packages (`./internal`),
// sharing one copy of each module in CJS too.
export default packageConfig({ entry: ['src/index.ts', 'src/internal.ts'], splitting: true });
