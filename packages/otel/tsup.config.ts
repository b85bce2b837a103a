import { readFileSync } from 'node:fs';
import { packageConfig } from '../../tsup.shared';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// Two doors: everything, and `./otlp` without exporter-prometheus (see src/otlp-entry.ts).
export default packageConfig({
  entry: ['src/index.ts', 'src/otlp-entry.ts'],
  define: { __INFERLENS_OTEL_VERSION__: JSON.stringify(version) },
});
