import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { MixinConfig } from '../config.js';
import { by, metric, sel } from '../promql.js';
import { recorded } from '../recording.js';
import { Board, match, type Query, steps } from './common.js';

/** HTTP of the inferlens middleware: rate, errors, aborted streams, latency, in flight, bytes. */
export function httpDashboard(c: MixinConfig): Dashboard {
  const w = c.rateWindow;
  const f = [match('namespace', 'namespace'), match('job', 'job'), match('route', 'route')];
  const keys = ['job', 'route'];
  const k = by(keys);
  const legend = '{{job}} {{route}}';
  const requests = recorded.httpRequests(w);
  const sum = (series: string, ...m: string[]) => `sum ${k} (${sel(series, ...f, ...m)})`;
  const quantile = (id: 'httpRequestDuration' | 'httpTimeToFirstByte', q: number): Query => ({
    expr: `histogram_quantile(${q}, sum ${by(['le', ...keys])} (${sel(recorded.httpHistogram(id, 'bucket', w), ...f)}))`,
    legend: `p${q * 100} ${legend}`,
  });

  const b = new Board(
    c,
    'llm-http',
    'HTTP',
    'HTTP requests served through the inferlens middleware (Express, Fastify, Hono), streaming-aware: time to first byte, end of stream, aborted streams and the bytes really sent.',
  ).variables(requests, [
    { name: 'namespace', label: 'Namespace', of: 'namespace' },
    { name: 'job', label: 'Job', of: 'job' },
    { name: 'route', label: 'Route', of: 'route' },
    // In flight is counted per process, by method only: a raw series of each instance.
    {
      name: 'instance',
      label: 'Instance',
      of: 'instance',
      series: metric('httpRequestsInFlight'),
      narrowBy: 2,
    },
  ]);

  b.row('Traffic')
    .timeseries({
      title: 'Request rate',
      description:
        'HTTP requests that ended per second, by job, route (the route template) and status.',
      unit: 'reqps',
      queries: [
        {
          expr: `sum ${by([...keys, 'status'])} (${sel(requests, ...f)})`,
          legend: `${legend} {{status}}`,
        },
      ],
    })
    .timeseries({
      title: 'Error ratio (5xx)',
      description:
        'Share of HTTP requests answered with a 5xx status, per route. A route without errors shows 0.',
      unit: 'percentunit',
      queries: [
        {
          expr: `(${sum(requests, 'status=~"5.."')} or ${sum(requests)} * 0) / ${sum(requests)}`,
          legend,
        },
      ],
      thresholds: steps('green', ['red', c.thresholds.errorRatio]),
    })
    .timeseries({
      title: 'Aborted streams',
      description:
        'Requests per second whose client went away before the response ended (outcome="aborted"; status 499 when no header was sent), per route.',
      unit: 'reqps',
      queries: [{ expr: `${sum(requests, 'outcome="aborted"')} or ${sum(requests)} * 0`, legend }],
    });

  b.row('Latency')
    .timeseries({
      title: 'Request duration',
      description:
        'From the request reaching the middleware to the last byte of the response body (the end of a stream), p50/p95/p99 per route.',
      unit: 's',
      queries: [
        quantile('httpRequestDuration', 0.5),
        quantile('httpRequestDuration', 0.95),
        quantile('httpRequestDuration', 0.99),
      ],
      thresholds: steps('green', ['red', c.thresholds.httpLatencyP95Seconds]),
      w: 12,
    })
    .timeseries({
      title: 'Time to first byte',
      description:
        'From the request reaching the middleware to the first body byte written (for SSE, the first event), p50/p95/p99 per route.',
      unit: 's',
      queries: [
        quantile('httpTimeToFirstByte', 0.5),
        quantile('httpTimeToFirstByte', 0.95),
        quantile('httpTimeToFirstByte', 0.99),
      ],
      w: 12,
    });

  const size = (part: 'sum' | 'count') => recorded.httpHistogram('httpResponseSize', part, w);
  b.row('Load')
    .timeseries({
      title: 'Requests in flight',
      description:
        'HTTP requests being served now (reached the middleware, not yet ended), per instance and method.',
      unit: 'short',
      queries: [
        {
          expr: `sum ${by(['job', 'instance', 'method'])} (${sel(metric('httpRequestsInFlight'), c.selector, match('namespace', 'namespace'), match('job', 'job'), match('instance', 'instance'))})`,
          legend: '{{job}} {{instance}} {{method}}',
        },
      ],
    })
    .timeseries({
      title: 'Bytes per second',
      description:
        'Response body bytes written per second (counted as written, so streams and aborted streams count what was sent) and request body bytes read per second, per route.',
      unit: 'Bps',
      queries: [
        { expr: sum(size('sum')), legend: `sent ${legend}` },
        {
          expr: sum(recorded.httpHistogram('httpRequestSize', 'sum', w)),
          legend: `received ${legend}`,
        },
      ],
    })
    .timeseries({
      title: 'Response size',
      description: 'Mean response body bytes per request, per route.',
      unit: 'bytes',
      queries: [{ expr: `${sum(size('sum'))} / ${sum(size('count'))}`, legend }],
    });
  return b.build();
}
