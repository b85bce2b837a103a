import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Build variants of the fake library (see fake-nvml.c). */
export type FakeVariant = 'current' | 'legacy' | 'proc32' | 'proc24conf';

const DEFINES: Record<FakeVariant, string[]> = {
  current: [],
  legacy: ['-DFAKE_LEGACY'],
  proc32: ['-DFAKE_PROC32'],
  proc24conf: ['-DFAKE_PROC24_CONF'],
};

const here = dirname(fileURLToPath(import.meta.url));
const sources = ['fake-nvml.c', 'fake-nvml-devices.inc'].map((f) => join(here, f));
let copies = 0;

/**
 * Compiles the fake libnvidia-ml.so.1 with the system C compiler (once per source and variant,
 * cached in the temp dir) and returns a fresh copy of it. Each copy is a separate file, so dlopen
 * loads it as a separate library and every source under test starts from clean fake state.
 */
export function fakeLibrary(variant: FakeVariant = 'current'): string {
  const hash = createHash('sha256');
  for (const f of sources) hash.update(readFileSync(f));
  hash.update(variant);
  const dir = join(tmpdir(), 'inferlens-fake-nvml');
  mkdirSync(dir, { recursive: true });
  const built = join(dir, `${variant}-${hash.digest('hex').slice(0, 12)}.so`);
  if (!existsSync(built)) {
    const partial = `${built}.${process.pid}.tmp`;
    execFileSync(
      'cc',
      [
        '-shared',
        '-fPIC',
        '-O1',
        '-Wall',
        '-Werror',
        ...DEFINES[variant],
        '-o',
        partial,
        sources[0]!,
      ],
      { stdio: 'pipe' },
    );
    renameSync(partial, built); // atomic, so parallel test files never load a half-written file
  }
  const copy = join(dir, `copy-${process.pid}-${copies++}`, 'libnvidia-ml.so.1');
  mkdirSync(dirname(copy), { recursive: true });
  copyFileSync(built, copy);
  return copy;
}

/** Fake scenario variables (read by the fake when a session opens). */
export type FakeEnv = Partial<
  Record<
    | 'FAKE_NVML_GPUS'
    | 'FAKE_NVML_INIT_ERROR'
    | 'FAKE_NVML_INIT_FAILURES'
    | 'FAKE_NVML_LOST_AFTER'
    | 'FAKE_NVML_SLEEP_CALL'
    | 'FAKE_NVML_SLEEP_MS'
    | 'FAKE_NVML_SLEEP_AFTER',
    string
  >
>;

const FAKE_KEYS = [
  'FAKE_NVML_GPUS',
  'FAKE_NVML_INIT_ERROR',
  'FAKE_NVML_INIT_FAILURES',
  'FAKE_NVML_LOST_AFTER',
  'FAKE_NVML_SLEEP_CALL',
  'FAKE_NVML_SLEEP_MS',
  'FAKE_NVML_SLEEP_AFTER',
] as const;

/** Sets exactly these fake variables (clearing the others) in this process's environment. */
export function setFakeEnv(env: FakeEnv): void {
  for (const k of FAKE_KEYS) {
    const v = env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}
