import { afterEach, describe, expect, it } from 'vitest';
import { LIBRARY_ENV } from '../src/options.js';
import type { GpuStatus } from '../src/state.js';
import { gpuLines, IMPLEMENTATIONS, samples, start, stopAll } from './helpers.js';

afterEach(() => {
  delete process.env[LIBRARY_ENV];
  stopAll();
});

describe.each(IMPLEMENTATIONS)('GPU source lifecycle, $name', ({ loaded }) => {
  const native = loaded.binding !== null;

  it('init failing with DRIVER_NOT_LOADED: unavailable, retried with backoff, then recovers', async () => {
    const { lens, source } = start(loaded, {
      FAKE_NVML_INIT_ERROR: '9',
      FAKE_NVML_INIT_FAILURES: '2',
    });
    const first = await source.nextSample();
    if (!native) {
      expect(first).toMatchObject({ available: false, reason: 'addon_unavailable' });
      expect(gpuLines(lens.render())).toEqual([]);
      return;
    }
    expect(first).toMatchObject({ available: false, reason: 'driver_not_loaded' });
    expect(first.consecutiveFailures).toBe(1);
    expect(first.message).toBe('nvmlInitWithFlags: NVML_ERROR_DRIVER_NOT_LOADED (9)');
    expect(samples(lens.render()).get('inferlens_nvml_up{reason="driver_not_loaded"}')).toBe(0);
    expect(gpuLines(lens.render())).toEqual([]);
    const second = await source.nextSample();
    expect(second).toMatchObject({ available: false, consecutiveFailures: 2 });
    const third = await source.nextSample();
    expect(third).toMatchObject({ available: true, consecutiveFailures: 0, samples: 1 });
    const text = lens.render();
    expect(samples(text).get('inferlens_nvml_up')).toBe(1);
    // The down series went away with the state it described.
    expect(text).not.toContain('reason="driver_not_loaded"');
    expect(gpuLines(text).length).toBeGreaterThan(20);
  });

  it('GPU_IS_LOST mid-run: unavailable with no GPU series, then a new session recovers', async () => {
    const { lens, source } = start(loaded, { FAKE_NVML_LOST_AFTER: '2' });
    const seen: GpuStatus[] = [];
    const texts: string[] = [];
    for (let i = 0; i < 4; i++) {
      seen.push(await source.nextSample());
      texts.push(lens.render());
    }
    if (!native) {
      expect(seen.every((s) => s.reason === 'addon_unavailable')).toBe(true);
      return;
    }
    expect(seen.map((s) => s.available)).toEqual([true, true, false, true]);
    expect(seen[2]).toMatchObject({ reason: 'gpu_lost', devices: [] });
    expect(seen[2]!.message).toBe('nvmlDeviceGetPowerUsage: NVML_ERROR_GPU_IS_LOST (15)');
    expect(gpuLines(texts[2]!)).toEqual([]);
    expect(samples(texts[2]!).get('inferlens_nvml_up{reason="gpu_lost"}')).toBe(0);
    // The last success stays: it says how stale the GPU view is.
    expect(texts[2]).toContain('inferlens_nvml_last_success_timestamp_seconds');
    expect(seen[3]!.devices).toHaveLength(2);
    expect(
      samples(texts[3]!).get(
        'gpu_utilization_ratio{gpu="0",uuid="GPU-fa6e0000-0000-4000-8000-000000000000",name="NVIDIA Fake H100 80GB HBM3"}',
      ),
    ).toBe(0.4);
  });

  it(`reads the library path from $${LIBRARY_ENV} when no option is given`, async () => {
    const { library, source: probe } = start(loaded);
    probe.close();
    process.env[LIBRARY_ENV] = library;
    const { source } = start(loaded, {}, { library: undefined });
    const status = await source.nextSample();
    expect(status.available).toBe(native);
    process.env[LIBRARY_ENV] = '/nonexistent/libnvidia-ml.so.1';
    const { source: missing } = start(loaded, {}, { library: undefined });
    expect((await missing.nextSample()).reason).toBe(
      native ? 'library_not_found' : 'addon_unavailable',
    );
  });

  it('close() stops sampling and removes every series it made', async () => {
    const { lens, source } = start(loaded, {}, { dcgmCompat: true, processes: 'all' });
    await source.nextSample();
    expect(lens.render()).toMatch(/^inferlens_nvml_up/m);
    source.close();
    expect(lens.render()).not.toMatch(/^(gpu_|DCGM_|inferlens_nvml)/m);
    expect(source.status()).toMatchObject({ available: false, reason: 'closed' });
    expect(source.sampleNow()).toBe(false);
    expect((await source.nextSample()).reason).toBe('closed');
  });
});
