import { packageConfig } from '../../tsup.shared';

// Two doors: the application's (`.`) and the one between @inferlens packages (`./internal`).
// Split chunks in CJS too, so both doors share one copy of each module (one SnapshotBuilder, one
// SseDecoder) when a CommonJS app loads both.
export default packageConfig({ entry: ['src/index.ts', 'src/internal.ts'], splitting: true });
