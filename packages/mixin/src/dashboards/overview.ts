import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { MixinConfig } from '../config.js';
import { by, sel, setLabel } from '../promql.js';
import { recorded } from '../recording.js';
import { Board, steps } from './common.js';
import { modelQueries } from './models.js';

/** The LLM serving overview: latency, traffic, scheduler and cache, a per-model table and cost. */
export function overviewDashboard(c: MixinConfig): Dashboard {
  const { w, keys, f, legend, workerLegend, sum, quantile, mean, byWorker } = modelQueries(c);
  const requests = recorded.rate('requests', w);
  const ttftSlo = c.slos.ttft === false ? undefined : c.slos.ttft.thresholdSeconds;
  const e2eSlo = c.slos.e2eLatency === false ? undefined : c.slos.e2eLatency.thresholdSeconds;
  const t = c.thresholds;

  const b = new Board(
    c,
    'llm-overview',
    'serving overview',
    'LLM inference at a glance: latency, throughput, errors, scheduler queues, KV and prefix cache, per model. Read from the inferlens recorded series, so inferlens apps, the gateway and vLLM/TGI pods scraped directly all show here.',
  ).variables(recorded.gauge('requestsRunning'), [
    { name: 'namespace', label: 'Namespace', of: 'namespace' },
    { name: 'job', label: 'Job', of: 'job' },
    { name: 'model', label: 'Model', of: 'model_name' },
    { name: 'engine', label: 'Engine', of: 'engine' },
    { name: 'vantage', label: 'Vantage', of: 'vantage' },
    { name: 'instance', label: 'Instance', of: 'instance', narrowBy: 3 },
  ]);

  b.row('Latency')
    .timeseries({
      title: 'Time to first token',
      description:
        'Time from a request arriving to its first output token (queue and prefill included), p50/p95/p99 per model and bucket layout (engine, vantage).',
      unit: 's',
      queries: [
        quantile('timeToFirstToken', 0.5),
        quantile('timeToFirstToken', 0.95),
        quantile('timeToFirstToken', 0.99),
      ],
      thresholds: ttftSlo === undefined ? undefined : steps('green', ['red', ttftSlo]),
    })
    .timeseries({
      title: 'Inter-token latency',
      description:
        'Time between two successive token outputs of one request while it decodes, p50 and p95.',
      unit: 's',
      queries: [quantile('interTokenLatency', 0.5), quantile('interTokenLatency', 0.95)],
    })
    .timeseries({
      title: 'Time per output token',
      description:
        'Per request, (end-to-end − time to first token) ÷ (output tokens − 1): the decode speed a client sees, p50 and p95, and the mean.',
      unit: 's',
      queries: [
        quantile('timePerOutputToken', 0.5),
        quantile('timePerOutputToken', 0.95),
        mean('timePerOutputToken'),
      ],
    })
    .timeseries({
      title: 'End-to-end latency',
      description:
        'Time from a request arriving to its last token, p50/p95/p99, and the mean (sum ÷ count of the histogram).',
      unit: 's',
      queries: [
        quantile('e2eRequestLatency', 0.5),
        quantile('e2eRequestLatency', 0.95),
        quantile('e2eRequestLatency', 0.99),
        mean('e2eRequestLatency'),
      ],
      thresholds:
        e2eSlo === undefined
          ? steps('green', ['red', t.e2eLatencyP95Seconds])
          : steps('green', ['orange', e2eSlo], ['red', t.e2eLatencyP95Seconds]),
    })
    .timeseries({
      title: 'Queue time',
      description:
        'Time a request waits before the scheduler first runs it, p50 and p95, and the mean.',
      unit: 's',
      queries: [
        quantile('requestQueueTime', 0.5),
        quantile('requestQueueTime', 0.95),
        mean('requestQueueTime'),
      ],
    })
    .timeseries({
      title: 'Prefill and decode time',
      description:
        'Per request, time in prefill (scheduled to first token) and in decode (first to last token), p95 and the mean.',
      unit: 's',
      queries: [
        { ...quantile('requestPrefillTime', 0.95), legend: `prefill p95 ${legend}` },
        { ...mean('requestPrefillTime'), legend: `prefill mean ${legend}` },
        { ...quantile('requestDecodeTime', 0.95), legend: `decode p95 ${legend}` },
        { ...mean('requestDecodeTime'), legend: `decode mean ${legend}` },
      ],
    });

  b.row('Traffic')
    .timeseries({
      title: 'Request throughput by finish reason',
      description:
        'Requests that ended per second, by finish reason (stop, length, abort, error, …), and all of them (total).',
      unit: 'reqps',
      queries: [
        {
          expr: `sum ${by([...keys, 'finish_reason'])} (${sel(requests, ...f)})`,
          legend: `{{finish_reason}} ${legend}`,
        },
        { expr: sum(requests), legend: `total ${legend}` },
      ],
    })
    .timeseries({
      title: 'Error ratio by error type',
      description:
        'Share of ended requests that failed, by error type, and in all (finish_reason="error" ÷ every ended request). A model without errors shows 0.',
      unit: 'percentunit',
      queries: [
        {
          expr: `sum ${by([...keys, 'error_type'])} (${sel(recorded.rate('requestErrors', w), ...f)}) / ignoring (error_type) group_left () ${sum(requests)} or on (${keys.join(', ')}) ${setLabel(`${sum(requests)} * 0`, 'error_type', 'none')}`,
          legend: `{{error_type}} ${legend}`,
        },
        {
          expr: `(${sum(requests, 'finish_reason="error"')} or ${sum(requests)} * 0) / ${sum(requests)}`,
          legend: `all errors ${legend}`,
        },
      ],
      thresholds: steps('green', ['red', t.errorRatio]),
    })
    .timeseries({
      title: 'Tokens per second',
      description:
        'Prompt tokens processed (prefill), of which served from the prefix cache, and tokens generated (decode), per second.',
      unit: 'short',
      queries: [
        { expr: sum(recorded.rate('promptTokens', w)), legend: `prompt ${legend}` },
        { expr: sum(recorded.rate('promptTokensCached', w)), legend: `prompt cached ${legend}` },
        { expr: sum(recorded.rate('generationTokens', w)), legend: `generated ${legend}` },
      ],
    });

  b.row('Scheduler and cache')
    .timeseries({
      title: 'Running and waiting requests',
      description:
        'Requests each worker is running (in the batch) and waiting to be scheduled (queued). The thresholds are the waiting-queue alert levels per worker.',
      unit: 'short',
      queries: [
        {
          expr: byWorker('sum', recorded.gauge('requestsRunning')),
          legend: `running ${workerLegend}`,
        },
        {
          expr: byWorker('sum', recorded.gauge('requestsWaiting')),
          legend: `waiting ${workerLegend}`,
        },
      ],
      thresholds: steps('green', ['orange', t.queueWorkerWarning], ['red', t.queueWorkerCritical]),
    })
    .gauge(
      {
        title: 'KV-cache usage',
        description:
          'Share of the KV-cache blocks in use, per worker (the fullest data-parallel rank). Near full, new requests wait and running ones are preempted.',
        unit: 'percentunit',
        queries: [{ expr: byWorker('max', recorded.gauge('kvCacheUsage')), legend: workerLegend }],
        thresholds: steps('green', ['orange', t.kvCacheWarning], ['red', t.kvCacheCritical]),
      },
      0,
      1,
    )
    .timeseries({
      title: 'KV-cache usage over time',
      description: 'Share of the KV-cache blocks in use, per worker, over time.',
      unit: 'percentunit',
      queries: [{ expr: byWorker('max', recorded.gauge('kvCacheUsage')), legend: workerLegend }],
      thresholds: steps('green', ['orange', t.kvCacheWarning], ['red', t.kvCacheCritical]),
    })
    .stat({
      title: 'Prefix-cache hit rate',
      description:
        'Share of prefix-cache lookups (tokens queried) that hit, per model: prompt tokens whose KV blocks were reused instead of computed.',
      unit: 'percentunit',
      queries: [
        {
          expr: `${sum(recorded.rate('prefixCacheHits', w))} / ${sum(recorded.rate('prefixCacheQueries', w))}`,
          legend,
        },
      ],
      thresholds: steps(
        'red',
        ['orange', t.prefixCacheHitRateMin],
        ['green', Math.max(0.6, t.prefixCacheHitRateMin)],
      ),
    })
    .timeseries({
      title: 'Preemptions',
      description:
        'Running requests preempted per second (their KV blocks freed, to be recomputed or swapped back): a sign the KV cache is too small for the load.',
      unit: 'short',
      queries: [{ expr: sum(recorded.rate('preemptions', w)), legend }],
      thresholds: steps('green', ['red', t.preemptionsPerSecond]),
    })
    .timeseries({
      title: 'Batch size',
      description: 'Requests in each engine step (continuous batching), the mean and p95.',
      unit: 'short',
      queries: [mean('batchSize'), quantile('batchSize', 0.95)],
    });

  b.row('Models').table(
    {
      title: 'Per model',
      description:
        'One line per model, engine and vantage, now: request rate, p95 time to first token, p95 end-to-end latency, generated tokens per second and error ratio.',
      unit: 'short',
      queries: [
        { expr: sum(requests) },
        quantile('timeToFirstToken', 0.95),
        quantile('e2eRequestLatency', 0.95),
        { expr: sum(recorded.rate('generationTokens', w)) },
        {
          expr: `(${sum(requests, 'finish_reason="error"')} or ${sum(requests)} * 0) / ${sum(requests)}`,
        },
      ],
      w: 24,
    },
    [
      { name: 'requests/s', unit: 'reqps' },
      { name: 'p95 TTFT', unit: 's' },
      { name: 'p95 end-to-end', unit: 's' },
      { name: 'generated tokens/s', unit: 'short' },
      { name: 'error ratio', unit: 'percentunit' },
    ],
  );

  if (Object.keys(c.prices).length) {
    const cost = recorded.cost(w);
    b.row('Cost')
      .timeseries({
        title: 'Cost per million tokens',
        description:
          'What a million tokens (prompt and generated) cost at the configured prices, per model: the cost rate ÷ the token rate × 10⁶.',
        unit: 'currencyUSD',
        queries: [
          {
            expr: `${sum(cost)} / (${sum(recorded.rate('promptTokens', w))} + ${sum(recorded.rate('generationTokens', w))}) * 1e6`,
            legend,
          },
        ],
        w: 12,
      })
      .timeseries({
        title: 'Cost per hour',
        description:
          'US dollars per hour at the current token rates and the configured prices, per model.',
        unit: 'currencyUSD',
        queries: [{ expr: `${sum(cost)} * 3600`, legend }],
        w: 12,
      });
  }
  return b.build();
}
