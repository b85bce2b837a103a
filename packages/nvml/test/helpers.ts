import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLens, type Lens } from '@inferlens/core';
import { type BindingResult, loadBinding } from '../src/binding.js';
import type { GpuSourceOptions } from '../src/options.js';
import { type GpuSource, openGpuSource } from '../src/source.js';
import { type FakeEnv, type FakeVariant, fakeLibrary, setFakeEnv } from './fake.js';

export { samples } from '../../core/test/helpers.js';

/** The two implementations every scenario runs against. */
export const IMPLEMENTATIONS: { name: string; loaded: BindingResult }[] = [
  { name: 'native addon', loaded: loadBinding() },
  // A directory with neither build/ nor prebuilds/: node-gyp-build throws, as it does on a
  // platform without a prebuild, and the JS fallback takes over.
  { name: 'JS fallback', loaded: loadBinding(join(tmpdir(), 'inferlens-nvml-no-addon')) },
];

export interface Started {
  lens: Lens;
  source: GpuSource;
  library: string;
}

const open: GpuSource[] = [];

/** A lens and a GPU source on a fresh copy of the fake library, with the fake's scenario set. */
export function start(
  loaded: BindingResult,
  env: FakeEnv = {},
  options: Partial<GpuSourceOptions> = {},
  variant: FakeVariant = 'current',
): Started {
  setFakeEnv(env);
  const lens = createLens({ engine: 'test' });
  const library = fakeLibrary(variant);
  const source = openGpuSource(
    { lens, library, intervalMs: 20, hostname: 'h1', ...options },
    loaded,
  );
  open.push(source);
  return { lens, source, library };
}

/** Closes what start() opened and removes this process's copies of the fake. */
export function stopAll(): void {
  for (const s of open.splice(0)) s.close();
  setFakeEnv({});
  const dir = join(tmpdir(), 'inferlens-fake-nvml');
  for (const entry of readdirSync(dir))
    if (entry.startsWith(`copy-${process.pid}-`)) rmSync(join(dir, entry), { recursive: true });
}

/** The GPU lines of an exposition (not HELP/TYPE, not the source's own up/last-success). */
export function gpuLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('inferlens_'));
}
