import { packageConfig } from '../../tsup.shared';

// import.meta.url locates the package root (and its prebuilds/) in the CommonJS build too.
export default packageConfig({ shims: true });
