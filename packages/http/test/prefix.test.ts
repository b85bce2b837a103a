import { createLens } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
import { prefixHttpNames } from '../src/internal.js';

function lensWithTraffic() {
  const lens = createLens({ engine: 'e' });
  lens
    .series('httpRequests', { method: 'GET', route: '/', status: '200', outcome: 'completed' })
    .inc();
  lens
    .series('httpRequestDuration', {
      method: 'GET',
      route: '/',
      status: '200',
      outcome: 'completed',
    })
    .observe(0.1);
  lens.series('httpRequestsInFlight', { method: 'GET' }).set(2);
  const r = lens.request({ model: 'm' });
  r.tokens(1);
  r.finish();
  return lens;
}

describe('prefixHttpNames', () => {
  it.each(['prometheus', 'openmetrics'] as const)(
    'prefixes every HTTP name in %s and nothing else',
    (format) => {
      const text = lensWithTraffic().render(format);
      const out = prefixHttpNames(text, 'gw_');
      const lines = out.split('\n');
      for (const [i, line] of lines.entries()) {
        const before = text.split('\n')[i]!;
        const name = before.replace(/^# (HELP|TYPE|UNIT) /, '');
        if (name.startsWith('http_'))
          expect(line.replace(/^# (HELP|TYPE|UNIT) /, '')).toBe(`gw_${name}`);
        else expect(line).toBe(before);
      }
      expect(out).toContain(
        'gw_http_requests_total{method="GET",route="/",status="200",outcome="completed"} 1',
      );
      expect(out).toContain('gw_http_request_duration_seconds_bucket{');
      expect(out).toContain('gw_http_requests_in_flight{method="GET"} 2');
      expect(out).toContain('\nllm_requests_total{');
      if (format === 'openmetrics') {
        expect(out).toContain('# TYPE gw_http_requests counter');
        expect(out.endsWith('# EOF\n')).toBe(true);
      }
    },
  );

  it('is the identity without a prefix and leaves lookalike names alone', () => {
    const text = 'http_requests_total_extra 1\nhttp_requests_totalx{a="b"} 2\n';
    expect(prefixHttpNames(text, 'x_')).toBe(text);
    expect(prefixHttpNames('http_requests_total 1\n', '')).toBe('http_requests_total 1\n');
  });
});
