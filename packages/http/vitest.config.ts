import { readFileSync } from 'node:fs';
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// The version tsup injects, so /status in tests reports the published one. The framework
// packages re-export this config, since they run @inferlens/http from source too.
export default mergeConfig(shared, {
  define: { __INFERLENS_HTTP_VERSION__: JSON.stringify(version) },
});
