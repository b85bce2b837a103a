import { packageConfig } from '../../tsup.shared';

// node-llama-cpp is ESM only, so this package is too.
export default packageConfig({ format: ['esm'] });
