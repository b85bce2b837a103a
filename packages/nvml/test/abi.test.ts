import { afterEach, describe, expect, it } from 'vitest';
import type { FakeVariant } from './fake.js';
import { gpuLines, IMPLEMENTATIONS, samples, start, stopAll } from './helpers.js';

afterEach(stopAll);

const GPU0 =
  'gpu="0",uuid="GPU-fa6e0000-0000-4000-8000-000000000000",name="NVIDIA Fake H100 80GB HBM3"';
const GIB = 1073741824;

// The drivers a binary meets: NVML 13's symbol set; an old one without the _v2/V/_v3 calls and
// InitWithFlags; 535.43-535.86 with 32-byte process records; and a symbol set that nvitop's
// stride rule misreads (docs/nvml.md, "The process-list trap").
const VARIANTS: { variant: FakeVariant; stride: number; reserved: boolean }[] = [
  { variant: 'current', stride: 24, reserved: true },
  { variant: 'legacy', stride: 16, reserved: false },
  { variant: 'proc32', stride: 32, reserved: true },
  { variant: 'proc24conf', stride: 24, reserved: true },
];

describe.each(IMPLEMENTATIONS)('NVML ABI variants, $name', ({ loaded }) => {
  const native = loaded.binding !== null;

  it.each(VARIANTS)(
    '$variant library: same readings, process records $stride bytes apart',
    async ({ variant, stride, reserved }) => {
      const { lens, source } = start(loaded, {}, { processes: 'all' }, variant);
      const status = await source.nextSample();
      const text = lens.render();
      if (!native) {
        expect(status).toMatchObject({ available: false, reason: 'addon_unavailable' });
        expect(gpuLines(text)).toEqual([]);
        return;
      }
      expect(status).toMatchObject({ available: true, processStride: stride, readErrors: 0 });
      const s = samples(text);
      // Temperature through TemperatureV, or the deprecated call where V is missing.
      expect(s.get(`gpu_temperature_celsius{${GPU0}}`)).toBe(50);
      expect(s.get(`gpu_memory_used_bytes{${GPU0}}`)).toBe(10 * GIB);
      // Reserved memory exists only in nvmlMemory_v2_t: absent, not 0, on the old call.
      expect(s.has(`gpu_memory_reserved_bytes{${GPU0}}`)).toBe(reserved);
      const pids = gpuLines(text)
        .filter((l) => l.startsWith('gpu_process_memory_bytes'))
        .map((l) => /pid="(\d+)"\} (\d+)/.exec(l)!.slice(1).map(Number));
      expect(pids).toEqual([
        [process.pid, GIB],
        [4242, 3 * GIB],
        [4243, 3 * GIB],
      ]);
    },
  );
});
