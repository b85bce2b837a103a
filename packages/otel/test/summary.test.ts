import { createLens, schema } from '@inferlens/core/internal';
import { describe, expect, it } from 'vitest';
import { createMetricProducer } from '../src/index.js';
import { metricsOf } from './helpers.js';

describe('summaries', () => {
  it('are skipped: no metric, no error, nothing counted as dropped; the histogram is exported', async () => {
    const lens = createLens({ engine: 'e', clock: () => 0 });
    const labels = { method: 'GET', route: '/', status: '200', outcome: 'completed' };
    lens.series('httpRequestDurationSummary', labels).observe(0.3);
    lens.series('httpRequestDuration', labels).observe(0.3);
    const result = await createMetricProducer(lens).collect();
    expect(result.errors).toEqual([]);
    const names = metricsOf(result).map((m) => m.descriptor.name);
    expect(names).not.toContain(schema.httpRequestDurationSummary.otel);
    expect(names).toContain(schema.httpRequestDuration.otel);
    expect(lens.store.family('eventsDropped').series(['invalid_value']).value).toBe(0);
  });
});
