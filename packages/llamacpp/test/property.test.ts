import { SampleIndex, SnapshotBuilder } from '@inferlens/engine-source';
import { parse } from '@inferlens/prom-parse';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LLAMACPP_GAUGES,
  LLAMACPP_GENERATED,
  LLAMACPP_PROMPT,
  LLAMACPP_PROMPT_CACHED,
  normalizeLlamacpp,
} from '../src/index.js';

const names = [
  ...LLAMACPP_GAUGES.map(([, n]) => n),
  LLAMACPP_GENERATED,
  LLAMACPP_PROMPT,
  LLAMACPP_PROMPT_CACHED,
  'llamacpp:prompt_tokens_seconds',
];
const line = fc
  .record({
    name: fc.constantFrom(...names),
    model: fc.constantFrom('m', 'n'),
    label: fc.constantFrom('model_name', 'name', 'dp_rank', 'tp_rank', 'le'),
    labelValue: fc.constantFrom('0', '1', '+Inf', '0.5', 'x'),
    value: fc.constantFrom('0', '1', '-1', '2.5e3', 'NaN', '+Inf', '-Inf', '1e308'),
  })
  .map((l) => `${l.name}${l.model === 'n' ? `{${l.label}="${l.labelValue}"}` : ''} ${l.value}`);

describe('normalizeLlamacpp on any mix of llama.cpp lines', () => {
  it('never throws and never shows a gauge that is not a finite number', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const out = new SnapshotBuilder('llamacpp', 't', 1000);
        const target = {
          name: 't',
          url: 'http://t',
          model: undefined,
          data: {},
          fetch: async () => ({ ok: false as const, reason: 'unreachable' as const, message: '' }),
        };
        normalizeLlamacpp(new SampleIndex(parse(`${lines.join('\n')}\n`)), target, out);
        for (const list of out.build().byId.values())
          for (const s of list)
            if (typeof s.value === 'number') expect(Number.isNaN(s.value)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
