import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/binding.js';

const require = createRequire(import.meta.url);
const { sourceHash } = require('../scripts/source-hash.cjs') as {
  sourceHash: (root: string) => string;
};
const nodeGypBuild = require('node-gyp-build') as { path: (dir: string) => string };

/** The committed prebuild as a fresh install sees it: prebuilds/ without any build/ directory. */
function installedPrebuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'inferlens-nvml-install-'));
  cpSync(join(PACKAGE_ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(PACKAGE_ROOT, 'prebuilds'), join(dir, 'prebuilds'), { recursive: true });
  return nodeGypBuild.path(dir);
}

/** True when dotted version `v` is not newer than `max`. */
function atMost(v: string, max: string): boolean {
  const a = v.split('.').map(Number);
  const b = max.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return true;
}

const linuxX64 = platform() === 'linux' && arch() === 'x64';

describe('the committed linux-x64 prebuild', () => {
  it('is what node-gyp-build picks on a fresh install, and it loads', () => {
    expect(linuxX64, 'these checks read the linux-x64 binary; run them on linux-x64').toBe(true);
    const file = installedPrebuild();
    expect(file).toMatch(/prebuilds[/\\]linux-x64[/\\].+\.node$/);
    const binding = require(file) as { fields: string[]; Sampler: unknown };
    expect(typeof binding.Sampler).toBe('function');
    expect(binding.fields).toContain('utilGpu');
    // Small enough to ship in the tarball: it is stripped and links nothing from NVIDIA.
    expect(statSync(file).size).toBeLessThan(300 * 1024);
  });

  it('was built from the native sources in this tree (rebuild: pnpm --filter @inferlens/nvml native:prebuild)', () => {
    const binding = require(installedPrebuild()) as { sourceHash: string };
    expect(binding.sourceHash).toBe(sourceHash(PACKAGE_ROOT));
  });

  it('needs no glibc or libstdc++ newer than Node 20 itself (glibc 2.17, GLIBCXX 3.4.21)', () => {
    const file = installedPrebuild();
    const symbols = execFileSync('objdump', ['-T', file], { encoding: 'utf8' });
    const needed = execFileSync('readelf', ['-d', file], { encoding: 'utf8' });
    const versions = (prefix: string) =>
      [...symbols.matchAll(new RegExp(`\\(${prefix}_([0-9.]+)\\)`, 'g'))].map((m) => m[1]!);
    expect(versions('GLIBC').length).toBeGreaterThan(5);
    for (const v of versions('GLIBC')) expect(atMost(v, '2.17'), `GLIBC_${v}`).toBe(true);
    for (const v of versions('GLIBCXX')) expect(atMost(v, '3.4.21'), `GLIBCXX_${v}`).toBe(true);
    // No NVIDIA library, no CUDA: NVML is opened with dlopen at run time.
    expect(needed).not.toMatch(/nvidia|cuda/i);
    expect(needed).toMatch(/libc\.so\.6/);
  });
});
