import { packageConfig } from '../../tsup.shared';

// The page's script is bundled before this build (scripts/bundle.mjs, run by `build`) into
// src/generated/script.ts, which goes into dist as a string.
export default packageConfig();
