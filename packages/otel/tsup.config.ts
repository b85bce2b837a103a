import { readFileSync } from 'node:fs';
import type { Options } from 'tsup';
import { packageConfig } from '../../tsup.shared';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/**
 * The exporter entries load their optional peer with a top-level `await loadPeer(…, () =>
 * import(…))` (src/peer.ts). CommonJS has no top-level await, so the CJS build gets the same
 * line with `loadPeerSync` and `require`, which is just as lazy and catchable there.
 */
const requirePeersInCjs: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'require-peers-in-cjs',
  setup(build) {
    // tsup builds split CJS as ESM and converts it afterwards; TSUP_FORMAT says which it is.
    if (build.initialOptions.define?.TSUP_FORMAT !== '"cjs"') return;
    build.onLoad({ filter: /[\\/]src[\\/](otlp|prometheus)\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(
        /await loadPeer\(([^,]+),\s*\(\) =>\s*import\(('[^']+')\),?\s*\)/g,
        'loadPeerSync($1, () => require($2))',
      );
      if (contents === source) throw new Error(`${args.path}: no loadPeer(…) to rewrite for CJS`);
      const imports = contents.replace('{ loadPeer, usePeer }', '{ loadPeerSync, usePeer }');
      return { contents: imports, loader: 'ts' };
    });
  },
};

// Three doors: the producer alone, and one per exporter (`./prometheus`, `./otlp`), so an app
// installs only the exporter it uses (src/prometheus-entry.ts, src/otlp-entry.ts).
export default packageConfig({
  entry: ['src/index.ts', 'src/prometheus-entry.ts', 'src/otlp-entry.ts'],
  // One copy of the producer in CJS too, whichever doors an app loads.
  splitting: true,
  define: { __INFERLENS_OTEL_VERSION__: JSON.stringify(version) },
  esbuildPlugins: [requirePeersInCjs],
});
