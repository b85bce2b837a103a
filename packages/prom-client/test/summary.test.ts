import { createLens, schema } from '@inferlens/core/internal';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerLens } from '../src/index.js';
import { parseSamples, parseTypes, promtool } from './exposition.js';
import { openMetricsRegistry } from './fixture.js';

const NAME = schema.httpRequestDurationSummary.prometheus;

describe('summaries through a prom-client registry', () => {
  it('print as prom-client summaries with the samples lens.render() prints, in both formats', async () => {
    let now = 0;
    const lens = createLens({
      engine: 'e',
      constLabels: { worker_id: 'w1' },
      clock: () => now,
      summaries: { httpRequestDurationSummary: { quantiles: [0.5, 0.9], maxAgeSeconds: 60 } },
    });
    const registry = new Registry();
    const om = openMetricsRegistry();
    registerLens(lens, registry);
    registerLens(lens, om);
    const live = lens.series('httpRequestDurationSummary', { method: 'GET', route: '/a' });
    for (const v of [0.1, 0.2, 0.3, 0.4, 0.5]) live.observe(v);
    now = 100_000;
    live.observe(0.05);
    // This one's only value leaves the window: its quantiles are NaN, its _sum and _count stay.
    lens.series('httpRequestDurationSummary', { method: 'POST', route: '/b' }).observe(2, 0);

    const text = await registry.metrics();
    expect(parseTypes(text).get(NAME)).toBe('summary');
    const samples = parseSamples(text);
    expect(samples).toEqual(parseSamples(lens.render()));
    expect(samples.get(`${NAME}{method="GET",quantile="0.5",route="/a",worker_id="w1"}`)).toBe(
      0.05,
    );
    expect(samples.get(`${NAME}_count{method="GET",route="/a",worker_id="w1"}`)).toBe(6);
    expect(samples.get(`${NAME}_sum{method="GET",route="/a",worker_id="w1"}`)).toBeCloseTo(1.55);
    expect(
      samples.get(`${NAME}{method="POST",quantile="0.9",route="/b",worker_id="w1"}`),
    ).toBeNaN();
    expect(samples.get(`${NAME}_count{method="POST",route="/b",worker_id="w1"}`)).toBe(1);
    expect(promtool(text)).toEqual({ status: 0, output: '' });

    const openMetrics = await om.metrics();
    expect(parseTypes(openMetrics).get(NAME)).toBe('summary');
    expect(parseSamples(openMetrics)).toEqual(parseSamples(lens.render('openmetrics')));
  });
});
