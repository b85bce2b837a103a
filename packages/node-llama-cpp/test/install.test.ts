import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);

// CI installs the CPU build only: the root package.json overrides the GPU and ARM binary packages
// away (hundreds of MB), and node-llama-cpp's postinstall (a cmake build) never runs.
it('locks and installs only the CPU binary of node-llama-cpp', () => {
  const lock = readFileSync(new URL('pnpm-lock.yaml', root), 'utf8');
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
  for (const name of [
    'linux-x64-cuda',
    'linux-x64-cuda-ext',
    'linux-x64-vulkan',
    'linux-arm64',
    'linux-armv7l',
  ]) {
    expect(pkg.pnpm.overrides[`@node-llama-cpp/${name}`], name).toBe('-');
    expect(lock, name).not.toContain(`'@node-llama-cpp/${name}@`);
  }
  expect(lock).toContain(`'@node-llama-cpp/linux-x64@3.21.1'`);
  expect(pkg.pnpm.onlyBuiltDependencies ?? []).not.toContain('node-llama-cpp');
  // The CPU addon resolves from node-llama-cpp itself.
  const require = createRequire(createRequire(import.meta.url).resolve('node-llama-cpp'));
  expect(require.resolve('@node-llama-cpp/linux-x64')).toMatch(/linux-x64/);
  expect(() => require.resolve('@node-llama-cpp/linux-x64-cuda')).toThrow();
  expect(() => require.resolve('@node-llama-cpp/linux-x64-vulkan')).toThrow();
});
