/** A property shared by the adapters' tests: any mix of an engine's lines never throws. */
import { parse } from '@inferlens/prom-parse';
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  type EngineAdapter,
  SampleIndex,
  SnapshotBuilder,
  type TargetContext,
} from '../src/internal.js';

const target: TargetContext = {
  name: 't',
  url: 'http://t',
  model: undefined,
  data: {},
  fetch: async () => ({ ok: false, reason: 'unreachable', message: '' }),
};

/**
 * Feeds `normalize` random expositions made of `names` with odd labels (`le`, ranks, none) and
 * odd values (NaN, infinities, negatives): it must never throw, nor show a NaN.
 */
export function assertNeverThrows(
  engine: string,
  normalize: EngineAdapter['normalize'],
  names: readonly string[],
): void {
  const line = fc
    .record({
      name: fc.constantFrom(...names),
      labelled: fc.boolean(),
      model: fc.constantFrom('m', 'n'),
      label: fc.constantFrom('name', 'dp_rank', 'tp_rank', 'le', 'engine'),
      labelValue: fc.constantFrom('0', '1', '+Inf', '0.5', 'x'),
      value: fc.constantFrom('0', '1', '-1', '2.5e3', 'NaN', '+Inf', '-Inf', '1e308'),
    })
    .map((l) => {
      const labels = `{model_name="${l.model}",${l.label}="${l.labelValue}"}`;
      return `${l.name}${l.labelled ? labels : ''} ${l.value}`;
    });
  fc.assert(
    fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
      const out = new SnapshotBuilder(engine, 't', 1000);
      normalize(new SampleIndex(parse(`${lines.join('\n')}\n`)), target, out, Date.now());
      for (const list of out.build().byId.values())
        for (const s of list) if (typeof s.value === 'number') expect(s.value).not.toBeNaN();
    }),
    { numRuns: 300 },
  );
}
