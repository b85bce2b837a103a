import { createLens } from '@inferlens/core';
import type { HistogramMetricData, SumMetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createMetricProducer } from '../src/index.js';
import { findMetric } from './helpers.js';

describe('extra labels', () => {
  it('become attributes under their own names, declared at setup or added before the first series', async () => {
    const lens = createLens({
      engine: 'e',
      constLabels: { worker_id: 'w1' },
      extraLabels: { httpRequests: ['tenant'] },
    });
    // The producer exists before the middleware adds its labels, as when a user passes a lens.
    const producer = createMetricProducer(lens);
    lens.store.family('httpRequestDuration').addLabels(['tenant', 'plan']);
    lens.store.family('httpRequests').series(['GET', '/a', '200', 'completed', 'acme']).inc(3);
    const d = lens.store.family('httpRequestDuration');
    d.series(['GET', '/a', '200', 'completed', 'acme', 'pro']).observe(0.2);
    d.series(['GET', '/a', '200', 'completed', '', 'free']).observe(0.4);

    const result = await producer.collect();
    expect(result.errors).toEqual([]);
    const requests = findMetric(result, 'inferlens.http.server.requests') as SumMetricData;
    expect(requests.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [
        {
          'http.request.method': 'GET',
          'http.route': '/a',
          'http.response.status_code': 200,
          'inferlens.http.outcome': 'completed',
          tenant: 'acme',
          worker_id: 'w1',
        },
        3,
      ],
    ]);
    const duration = findMetric(result, 'http.server.request.duration') as HistogramMetricData;
    const base = {
      'http.request.method': 'GET',
      'http.route': '/a',
      'http.response.status_code': 200,
      'inferlens.http.outcome': 'completed',
      worker_id: 'w1',
      'url.scheme': 'http',
    };
    // An empty value is left out, as in the text exposition.
    expect(duration.dataPoints.map((p) => [p.attributes, p.value.sum])).toEqual([
      [{ ...base, tenant: 'acme', plan: 'pro' }, 0.2],
      [{ ...base, plan: 'free' }, 0.4],
    ]);
  });
});
