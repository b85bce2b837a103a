import { execFileSync, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { gpuLines, IMPLEMENTATIONS, samples, start, stopAll } from './helpers.js';

const GPU0 =
  'gpu="0",uuid="GPU-fa6e0000-0000-4000-8000-000000000000",name="NVIDIA Fake H100 80GB HBM3"';
const GPU1 =
  'gpu="1",uuid="GPU-fa6e0000-0000-4000-8000-000000000001",name="NVIDIA Fake H100 80GB HBM3"';
const GIB = 1073741824;

afterEach(stopAll);

describe.each(IMPLEMENTATIONS)('GPU source, $name', ({ loaded }) => {
  const native = loaded.binding !== null;

  /** What the fallback must show in every scenario: unavailable, and nothing but the up gauge. */
  function expectFallback(text: string, status: { available: boolean; native: boolean }): void {
    expect(status.available).toBe(false);
    expect(status.native).toBe(false);
    expect(gpuLines(text)).toEqual([]);
    expect(samples(text).get('inferlens_nvml_up{reason="addon_unavailable"}')).toBe(0);
    expect(text).not.toContain('inferlens_nvml_last_success');
  }

  it('2 GPUs: every supported field in base units, and no series for the fan GPU 1 lacks', async () => {
    const { lens, source } = start(loaded, { FAKE_NVML_GPUS: '2' });
    const status = await source.nextSample();
    const text = lens.render();
    if (!native) return expectFallback(text, status);
    expect(status).toMatchObject({ available: true, native: true, samples: 1, processStride: 24 });
    expect(status.devices.map((d) => d.index)).toEqual([0, 1]);
    expect(status.driverVersion).toBe('535.104.05');
    const s = samples(text);
    expect(s.get(`gpu_utilization_ratio{${GPU0}}`)).toBe(0.4);
    expect(s.get(`gpu_utilization_ratio{${GPU1}}`)).toBe(0.5);
    expect(s.get(`gpu_memory_utilization_ratio{${GPU1}}`)).toBe(0.25);
    expect(s.get(`gpu_memory_total_bytes{${GPU0}}`)).toBe(80 * GIB);
    expect(s.get(`gpu_memory_used_bytes{${GPU0}}`)).toBe(10 * GIB);
    expect(s.get(`gpu_memory_free_bytes{${GPU0}}`)).toBe(70 * GIB);
    expect(s.get(`gpu_memory_reserved_bytes{${GPU1}}`)).toBe(512 * 1024 * 1024);
    expect(s.get(`gpu_power_draw_watts{${GPU1}}`)).toBe(251);
    expect(s.get(`gpu_power_limit_watts{${GPU0}}`)).toBe(700);
    expect(s.get(`gpu_temperature_celsius{${GPU1}}`)).toBe(51);
    expect(s.get(`gpu_sm_clock_hertz{${GPU0}}`)).toBe(1.98e9);
    expect(s.get(`gpu_memory_clock_hertz{${GPU0}}`)).toBe(2.619e9);
    expect(s.get(`gpu_energy_joules_total{${GPU0}}`)).toBe(123456.789);
    expect(s.get(`gpu_fan_speed_ratio{${GPU0}}`)).toBe(0.3);
    expect(s.get(`gpu_mig_mode{${GPU1}}`)).toBe(0);
    expect(s.get('gpu_driver_info{driver_version="535.104.05",nvml_version="12.535.104.05"}')).toBe(
      1,
    );
    expect(s.get('inferlens_nvml_up')).toBe(1);
    expect(s.get('inferlens_nvml_last_success_timestamp_seconds')).toBeGreaterThan(1.7e9);
    // Not reported, so absent rather than 0: GPU 1's fan, GPU 0's MIG mode, opt-in PCIe and DCGM.
    expect(text).not.toContain(`gpu_fan_speed_ratio{${GPU1}}`);
    expect(text).not.toContain(`gpu_mig_mode{${GPU0}}`);
    expect(text).not.toContain('gpu_pcie_throughput');
    expect(text).not.toContain('DCGM_FI_');
    // Only this process's memory by default.
    expect(gpuLines(text).filter((l) => l.startsWith('gpu_process_memory_bytes'))).toEqual([
      `gpu_process_memory_bytes{gpu="0",uuid="GPU-fa6e0000-0000-4000-8000-000000000000",pid="${process.pid}"} ${GIB}`,
    ]);
  });

  it('dcgmCompat adds the DCGM_FI_* series dashboard 12239 queries, in DCGM units and labels', async () => {
    const { lens, source } = start(loaded, {}, { dcgmCompat: true });
    const status = await source.nextSample();
    const text = lens.render();
    if (!native) return expectFallback(text, status);
    const labels =
      'gpu="1",UUID="GPU-fa6e0000-0000-4000-8000-000000000001",pci_bus_id="00000000:19:00.0",device="nvidia1",modelName="NVIDIA Fake H100 80GB HBM3",Hostname="h1"';
    const s = samples(text);
    expect(s.get(`DCGM_FI_DEV_GPU_TEMP{${labels}}`)).toBe(51);
    expect(s.get(`DCGM_FI_DEV_POWER_USAGE{${labels}}`)).toBe(251);
    expect(s.get(`DCGM_FI_DEV_SM_CLOCK{${labels}}`)).toBe(1980);
    expect(s.get(`DCGM_FI_DEV_MEM_CLOCK{${labels}}`)).toBe(2619);
    expect(s.get(`DCGM_FI_DEV_GPU_UTIL{${labels}}`)).toBe(50);
    expect(s.get(`DCGM_FI_DEV_MEM_COPY_UTIL{${labels}}`)).toBe(25);
    expect(s.get(`DCGM_FI_DEV_FB_USED{${labels}}`)).toBe(11 * 1024);
    expect(s.get(`DCGM_FI_DEV_FB_FREE{${labels}}`)).toBe(69 * 1024);
    expect(s.get(`DCGM_FI_DEV_FB_RESERVED{${labels}}`)).toBe(512);
    expect(s.get(`DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{${labels}}`)).toBe(123456790);
    expect(s.get(`gpu_utilization_ratio{${GPU1}}`)).toBe(0.5); // the base rows stay
  });

  it('pcie and processes: "all" are opt-in and come in bytes/s and per host pid', async () => {
    const { lens, source } = start(loaded, {}, { pcie: true, processes: 'all' });
    const status = await source.nextSample();
    const text = lens.render();
    if (!native) return expectFallback(text, status);
    const s = samples(text);
    expect(s.get(`gpu_pcie_throughput_bytes_per_second{${GPU0},direction="tx"}`)).toBe(1024000);
    expect(s.get(`gpu_pcie_throughput_bytes_per_second{${GPU1},direction="rx"}`)).toBe(2048000);
    const processes = gpuLines(text).filter((l) => l.startsWith('gpu_process_memory_bytes'));
    expect(processes).toHaveLength(3);
    expect(text).toContain(
      `uuid="GPU-fa6e0000-0000-4000-8000-000000000000",pid="4242"} ${3 * GIB}`,
    );
    expect(text).toContain(
      `uuid="GPU-fa6e0000-0000-4000-8000-000000000001",pid="4243"} ${3 * GIB}`,
    );
  });

  it('devices picks GPUs by NVML index or UUID; none matching is "no_gpu"', async () => {
    const byIndex = start(loaded, {}, { devices: [1], processes: false });
    const byUuid = start(loaded, {}, { devices: ['GPU-fa6e0000-0000-4000-8000-000000000000'] });
    const none = start(loaded, {}, { devices: [7] });
    const [a, b, c] = await Promise.all(
      [byIndex, byUuid, none].map(({ source }) => source.nextSample()),
    );
    if (!native) return expectFallback(none.lens.render(), c!);
    expect(a!.devices.map((d) => d.index)).toEqual([1]);
    expect(gpuLines(byIndex.lens.render()).every((l) => !l.includes('gpu="0"'))).toBe(true);
    expect(b!.devices.map((d) => d.index)).toEqual([0]);
    expect(c).toMatchObject({ available: false, reason: 'no_gpu' });
    expect(c!.message).toContain('2 GPUs, none selected by `devices`');
  });

  it('0 GPUs: unavailable with reason no_gpu, and nothing exported as 0', async () => {
    const { lens, source } = start(loaded, { FAKE_NVML_GPUS: '0' });
    const status = await source.nextSample();
    const text = lens.render();
    if (!native) return expectFallback(text, status);
    expect(status).toMatchObject({ available: false, reason: 'no_gpu', devices: [] });
    expect(gpuLines(text)).toEqual([]);
    expect(samples(text).get('inferlens_nvml_up{reason="no_gpu"}')).toBe(0);
  });

  it('no library: unavailable with reason library_not_found and the loader message', async () => {
    const { lens, source } = start(loaded, {}, { library: '/nonexistent/libnvidia-ml.so.1' });
    const status = await source.nextSample();
    const text = lens.render();
    if (!native) return expectFallback(text, status);
    expect(status).toMatchObject({ available: false, reason: 'library_not_found' });
    expect(status.message).toContain('NVML_ERROR_LIBRARY_NOT_FOUND (12)');
    expect(status.message).toContain('/nonexistent/libnvidia-ml.so.1');
    expect(samples(text).get('inferlens_nvml_up{reason="library_not_found"}')).toBe(0);
  });

  it('passes promtool check metrics; with dcgmCompat only DCGM’s own camelCase labels are flagged', async () => {
    const plain = start(loaded, {}, { pcie: true, processes: 'all' });
    const dcgm = start(loaded, {}, { pcie: true, processes: 'all', dcgmCompat: true });
    await Promise.all([plain.source.nextSample(), dcgm.source.nextSample()]);
    const check = (text: string) =>
      spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(
      execFileSync('promtool', ['check', 'metrics'], { input: plain.lens.render() }),
    ).toHaveLength(0);
    const flagged = check(dcgm.lens.render());
    const problems = `${flagged.stdout}${flagged.stderr}`.split('\n').filter(Boolean);
    if (!native) return expect(problems).toEqual([]);
    // modelName is what dcgm-exporter and the dashboards use; renaming it would break them.
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems)
      expect(p).toMatch(
        /^DCGM_FI_DEV_\w+ label names should be written in 'snake_case' not 'camelCase'$/,
      );
  });
});
