import { createLens, schema } from '@inferlens/core/internal';
import fc from 'fast-check';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { parse } from '../src/index.js';

const modelName = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `${s}"\\\n`);

describe('parse: what core renders comes back exactly', () => {
  it('in both formats, for any model name and values (fast-check)', () => {
    fc.assert(
      fc.property(
        modelName,
        fc.array(fc.double({ min: 0, max: 5000, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.nat({ max: 1e6 }),
        (model, latencies, tokens) => {
          const lens = createLens({ engine: 'e"x', constLabels: { pod: 'p\\1' } });
          const h = lens.handles(model);
          for (const v of latencies) h.timeToFirstToken.observe(v);
          h.generationTokens.inc(tokens);
          for (const format of ['prometheus', 'openmetrics'] as const) {
            const r = parse(lens.render(format));
            expect(r.errors).toEqual([]);
            expect(r.eof).toBe(format === 'openmetrics');
            const ttft = r.families.find((f) => f.name === schema.timeToFirstToken.prometheus)!;
            expect(ttft.type).toBe('histogram');
            const count = ttft.samples.find((s) => s.name.endsWith('_count'))!;
            expect(count.labels).toEqual({ model_name: model, engine: 'e"x', pod: 'p\\1' });
            expect(count.value).toBe(latencies.length);
            const inf = ttft.samples.find((s) => s.labels.le === '+Inf')!;
            expect(inf.value).toBe(latencies.length);
            const gen = r.families.find((f) =>
              f.samples.some((s) => s.name === schema.generationTokens.prometheus),
            )!;
            expect(gen.type).toBe('counter');
            expect(gen.samples[0]!.value).toBe(tokens);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('agrees with parse-prometheus-text-format on every counter and gauge', () => {
    const lens = createLens({ engine: 'vllm' });
    for (const m of ['a', 'b', 'c']) {
      const h = lens.handles(m);
      h.promptTokens.inc(12);
      h.requestsRunning.set(3);
      h.finished('stop').inc(2);
      h.timeToFirstToken.observe(0.2);
    }
    const text = lens.render();
    const theirs = parsePrometheusTextFormat(text) as {
      name: string;
      type: string;
      metrics: { labels?: Record<string, string>; value?: string }[];
    }[];
    const ours = parse(text).families;
    for (const fam of theirs) {
      if (fam.type === 'HISTOGRAM') continue; // theirs drops the labels of histogram series
      const mine = ours.find((f) => f.name === fam.name)!;
      expect(mine.samples.map((s) => [s.labels, s.value])).toEqual(
        fam.metrics.map((m) => [m.labels ?? {}, Number(m.value)]),
      );
    }
  });
});
