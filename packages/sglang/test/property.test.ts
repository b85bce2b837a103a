import { SampleIndex, SnapshotBuilder } from '@inferlens/engine-source';
import { parse } from '@inferlens/prom-parse';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalizeSglang,
  SGLANG_COUNTERS,
  SGLANG_GAUGES,
  SGLANG_HISTOGRAMS,
} from '../src/index.js';

const names = [
  ...SGLANG_GAUGES.flatMap(([, n]) => n),
  ...SGLANG_COUNTERS.flatMap(([, n]) => n),
  ...SGLANG_HISTOGRAMS.flatMap(([, n]) =>
    n.flatMap((b) => [`${b}_bucket`, `${b}_sum`, `${b}_count`]),
  ),
  'sglang:cache_hit_rate',
  'sglang:cached_tokens_total',
  'sglang:num_requests_total',
];
const line = fc
  .record({
    name: fc.constantFrom(...names),
    model: fc.constantFrom('m', 'n'),
    label: fc.constantFrom('model_name', 'name', 'dp_rank', 'tp_rank', 'le'),
    labelValue: fc.constantFrom('0', '1', '+Inf', '0.5', 'x'),
    value: fc.constantFrom('0', '1', '-1', '2.5e3', 'NaN', '+Inf', '-Inf', '1e308'),
  })
  .map((l) => `${l.name}{model_name="${l.model}",${l.label}="${l.labelValue}"} ${l.value}`);

describe('normalizeSglang on any mix of SGLang lines', () => {
  it('never throws and never shows a gauge that is not a finite number', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const out = new SnapshotBuilder('sglang', 't', 1000);
        const target = {
          name: 't',
          url: 'http://t',
          model: undefined,
          data: {},
          fetch: async () => ({ ok: false as const, reason: 'unreachable' as const, message: '' }),
        };
        normalizeSglang(new SampleIndex(parse(`${lines.join('\n')}\n`)), target, out);
        for (const list of out.build().byId.values())
          for (const s of list)
            if (typeof s.value === 'number') expect(Number.isNaN(s.value)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
