import { readFileSync } from 'node:fs';
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// The same version injection tsup does, so tests see the published scope version.
export default mergeConfig(shared, {
  define: { __INFERLENS_OTEL_VERSION__: JSON.stringify(version) },
});
