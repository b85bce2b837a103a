import { createLens, type Lens, type LensOptions } from '../src/index.js';

/** A lens on a hand-driven clock, so every duration in a test is exact. */
export function manualLens(options: Partial<LensOptions> = {}): {
  lens: Lens;
  clock: { t: number };
} {
  const clock = { t: 0 };
  const lens = createLens({ engine: 'test-engine', clock: () => clock.t, ...options });
  return { lens, clock };
}

/** `name{labels} value` samples of a rendering, keyed by the full series text. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}
