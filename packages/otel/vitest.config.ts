import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const dep = (name: string) => fileURLToPath(new URL(`./node_modules/${name}`, import.meta.url));

/**
 * The OTel JS SDK 3 packages, installed beside SDK 2 under npm aliases (package.json). SDK 3 wants
 * API 1.10 where SDK 2 wants 1.9, which one node_modules cannot give both, so the `sdk3` project
 * runs every OTel module through Vite (`inline`) and points each of their imports here.
 */
const SDK3 = [
  ['@opentelemetry/api', 'api-v1-10'],
  ['@opentelemetry/sdk-metrics', 'sdk-metrics-v3'],
  ['@opentelemetry/resources', 'resources-v3'],
  ['@opentelemetry/exporter-prometheus', 'exporter-prometheus-v3'],
  ['@opentelemetry/exporter-metrics-otlp-http', 'exporter-metrics-otlp-http-v3'],
].map(([find, alias]) => ({ find: new RegExp(`^${find}$`), replacement: dep(alias!) }));

// The whole suite runs once per SDK major the peers accept (`^2 || ^3`); test/sdk-major.test.ts
// holds each project to the major it claims.
export default mergeConfig(shared, {
  // The same version injection tsup does, so tests see the published scope version.
  define: { __INFERLENS_OTEL_VERSION__: JSON.stringify(version) },
  test: {
    projects: [
      { extends: true, test: { name: 'sdk2', env: { OTEL_SDK_MAJOR: '2' } } },
      {
        extends: true,
        resolve: { alias: SDK3 },
        test: {
          name: 'sdk3',
          // These run the README in child processes, which resolve packages as Node does (SDK 2).
          exclude: ['test/readme-examples.test.ts'],
          env: { OTEL_SDK_MAJOR: '3' },
          server: { deps: { inline: [/@opentelemetry/, /-v3\//, /api-v1-10/] } },
        },
      },
    ],
  },
});
