import { createLens, schema } from '@inferlens/core/internal';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerLens } from '../src/index.js';
import { parseSamples, promtool } from './exposition.js';
import { openMetricsRegistry } from './fixture.js';

describe('extra labels through a prom-client registry', () => {
  it('show in both formats exactly as lens.render() shows them, also when added after registering', async () => {
    const lens = createLens({
      engine: 'e',
      constLabels: { worker_id: 'w1' },
      extraLabels: { httpRequests: ['tenant'] },
    });
    const registry = new Registry();
    const om = openMetricsRegistry();
    registerLens(lens, registry);
    registerLens(lens, om);
    lens.store.family('httpTimeToFirstByte').addLabels(['tenant']);
    lens.store.family('httpRequests').series(['GET', '/a', '200', 'completed', 'acme']).inc(2);
    lens.store.family('httpTimeToFirstByte').series(['GET', '/a', 'acme']).observe(0.02);
    lens.store.family('httpTimeToFirstByte').series(['GET', '/b', '']).observe(0.02);

    const text = await registry.metrics();
    expect(parseSamples(text)).toEqual(parseSamples(lens.render()));
    const requests = schema.httpRequests.prometheus;
    const ttfb = schema.httpTimeToFirstByte.prometheus;
    expect(text).toContain(
      `${requests}{method="GET",route="/a",status="200",outcome="completed",tenant="acme",worker_id="w1"} 2`,
    );
    expect(text).toContain(`${ttfb}_count{method="GET",route="/a",tenant="acme",worker_id="w1"} 1`);
    expect(text).toContain(`${ttfb}_count{method="GET",route="/b",worker_id="w1"} 1`);
    expect(promtool(text).status).toBe(0);
    expect(registry.getSingleMetric(ttfb)).toMatchObject({
      labelNames: ['method', 'route', 'tenant', 'worker_id'],
    });

    const openMetrics = await om.metrics();
    expect(parseSamples(openMetrics)).toEqual(parseSamples(lens.render('openmetrics')));
    expect(openMetrics).toContain(
      `${requests}{method="GET",route="/a",status="200",outcome="completed",tenant="acme",worker_id="w1"} 2`,
    );
  });
});
