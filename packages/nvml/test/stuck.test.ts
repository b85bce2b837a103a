import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeLibrary } from './fake.js';
import { gpuLines, IMPLEMENTATIONS, samples, stopAll } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

afterAll(stopAll);

function runChild(impl: string, mode: 'close' | 'leave-open') {
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'fixtures', 'stuck-child.ts'), fakeLibrary(), impl, mode],
    {
      cwd: join(here, '..'),
      encoding: 'utf8',
      // A safety net only: the assertions below say whether the child waited for the call.
      timeout: 60_000,
      env: {
        ...process.env,
        FAKE_NVML_SLEEP_CALL: 'nvmlDeviceGetPowerUsage',
        FAKE_NVML_SLEEP_AFTER: '2', // the first sample reads 2 GPUs, the second one hangs
        FAKE_NVML_SLEEP_MS: '5000',
      },
    },
  );
  return { ...res, report: res.stdout ? JSON.parse(res.stdout) : undefined };
}

describe.each(IMPLEMENTATIONS)('a driver call that hangs, $name', ({ name, loaded }) => {
  const impl = loaded.binding ? 'native' : 'fallback';

  it.each(['close', 'leave-open'] as const)(
    'is reported as stuck while JS keeps running, and the process still exits (%s)',
    (mode) => {
      const { status, stderr, report } = runChild(impl, mode);
      expect(status, `${name} child failed:\n${stderr}`).toBe(0);
      // The fake prints this when its sleep ends; the process must have exited before that.
      expect(stderr).not.toContain('fake-nvml: nvmlDeviceGetPowerUsage slept');
      if (impl === 'fallback') {
        expect(report.first).toMatchObject({ available: false, reason: 'addon_unavailable' });
        expect(gpuLines(report.text)).toEqual([]);
        return;
      }
      expect(report.first).toMatchObject({ available: true, samples: 1 });
      expect(report.stuck).toMatchObject({ available: false, reason: 'stuck' });
      // Read from JS while the sampler thread was inside the call.
      expect(report.stuck.stuck.call).toBe('nvmlDeviceGetPowerUsage');
      expect(report.stuck.stuck.forMs).toBeGreaterThanOrEqual(100);
      expect(report.stuck.message).toMatch(/^nvmlDeviceGetPowerUsage has not returned for \d+ ms$/);
      expect(report.ticks).toBeGreaterThan(0);
      // Sampled values go until the call returns; the driver's version is still true.
      expect(gpuLines(report.text)).toEqual([
        'gpu_driver_info{driver_version="535.104.05",nvml_version="12.535.104.05"} 1',
      ]);
      expect(samples(report.text).get('inferlens_nvml_up{reason="stuck"}')).toBe(0);
    },
  );
});
