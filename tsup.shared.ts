import { defineConfig, type Options } from 'tsup';

/**
 * The build every published package shares: ESM and CJS with types, for Node 20 and later.
 * A package adds only what is its own (e.g. `define` for a version constant).
 */
export function packageConfig(extra: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    ...extra,
  });
}
