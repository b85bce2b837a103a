import { readFileSync } from 'node:fs';
import { packageConfig } from '../../tsup.shared';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default packageConfig({ define: { __INFERLENS_OTEL_VERSION__: JSON.stringify(version) } });
