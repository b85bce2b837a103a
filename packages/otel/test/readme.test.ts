import { readFileSync } from 'node:fs';
import { OTEL_LABELS } from '@inferlens/core/internal';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('names the attributes the code emits (#11)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| attributes'));
    const pairs = [...(row ?? '').matchAll(/`(\w+)` → `([\w.]+)`/g)].map(
      (m) => [m[1]!, m[2]!] as const,
    );
    expect(pairs.length).toBeGreaterThanOrEqual(4);
    for (const [label, attribute] of pairs) expect(attribute, label).toBe(OTEL_LABELS[label]);
  });
});
