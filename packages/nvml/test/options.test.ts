import { createLens } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
import { createGpuSource } from '../src/index.js';
import { resolveOptions } from '../src/options.js';
import { codeName, retryDelay } from '../src/reasons.js';

describe('options', () => {
  it('throws at setup, prefixed, listing every bad option at once', () => {
    const lens = createLens({ engine: 'test' });
    const bad = () =>
      createGpuSource({
        lens,
        intervalMs: 0,
        devices: [-1],
        processes: 'some' as never,
        pcie: 'yes' as never,
        library: '',
      });
    expect(bad).toThrow(/^\[@inferlens\/nvml\] createGpuSource: /);
    expect(bad).toThrow(/intervalMs.*devices.*processes.*pcie.*library/);
    expect(() => createGpuSource({} as never)).toThrow('`lens` is required');
  });

  it('defaults: 5 s interval, stuck after 10 s, this process only, no DCGM, no PCIe', () => {
    const o = resolveOptions({ lens: createLens({ engine: 'test' }), library: 'x.so' });
    expect(o).toMatchObject({
      intervalMs: 5000,
      stuckAfterMs: 10_000,
      processes: 1,
      dcgmCompat: false,
      pcie: false,
      devices: [],
    });
    expect(resolveOptions({ lens: o.lens, intervalMs: 30_000 }).stuckAfterMs).toBe(60_000);
  });
});

describe('retry backoff', () => {
  it('waits one interval, then doubles, capped at a minute or the interval', () => {
    expect([0, 1, 2, 3, 4].map((f) => retryDelay(f, 1000))).toEqual([0, 1000, 2000, 4000, 8000]);
    expect(retryDelay(20, 1000)).toBe(60_000);
    expect(retryDelay(1000, 1000)).toBe(60_000);
    expect(retryDelay(3, 120_000)).toBe(120_000);
  });

  it('names NVML return codes', () => {
    expect(codeName(15)).toBe('NVML_ERROR_GPU_IS_LOST (15)');
    expect(codeName(4242)).toBe('NVML_ERROR_CODE (4242)');
  });
});
