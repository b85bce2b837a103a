import type { MixinConfig, Thresholds } from './config.js';
import { type AlertingRule, by, metric, type RuleGroup, sel, valueText } from './promql.js';
import { type Context, context, recorded } from './recording.js';

/**
 * One input series of a `promtool test rules` case: a gauge holding `value(v)`, or a counter rising
 * by `value(v)` per second, where `v` is the value under test.
 */
export interface TestSeries {
  series: string;
  kind: 'gauge' | 'counter';
  value: (v: number) => number;
}

/** How the generated unit test drives an alert: at `fire` it fires after its `for`, at `quiet` it stays silent. */
export interface AlertTest {
  series: TestSeries[];
  fire: number;
  quiet: number;
  /** The labels the firing alert carries, besides alertname, severity and `alertLabels`. */
  labels: Record<string, string>;
  /** The firing alert's `$value` at evaluation time `t` seconds (default: `fire`). */
  expect?: (t: number) => number;
}

/** What an on-call engineer reads: each alert's runbook page, written from these fields. */
export interface Runbook {
  meaning: string;
  impact: string;
  diagnosis: string[];
  mitigation: string[];
}

export interface AlertSpec {
  name: string;
  severity: 'info' | 'warning' | 'critical';
  for: string;
  /** Alerts of one family are one condition at two severities; critical inhibits warning. */
  family?: string;
  expr: (x: Context, t: Thresholds) => string;
  summary: string;
  description: (t: Thresholds) => string;
  /** The threshold the docs list, as text. */
  threshold: (t: Thresholds) => string;
  test: (t: Thresholds, x: Context) => AlertTest;
  runbook: Runbook;
}

const W = { job: 'app', instance: 'worker-1:8000', model_name: 'm', engine: 'e' };
/** `{a="1", b="2"}`: a label set as promtool's input series write it. */
export const L = (o: Record<string, string>) =>
  `{${Object.entries(o)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
const pct = (r: number) => `${+(r * 100).toFixed(4)} %`;
const modelLabels = { job: W.job, model_name: W.model_name, engine: W.engine };

const CHECK_ENGINE =
  'Open the LLM serving overview dashboard, filtered to the model and instance in the alert.';

/**
 * Every alert with its default threshold, `for` and runbook. Thresholds come from the config; the
 * expressions read the recorded series (recording.ts), so they work on every engine the rules map.
 */
export const ALERTS: readonly AlertSpec[] = [
  ...[
    ['LLMKVCacheUsageHigh', 'warning', '5m', 'kvCacheWarning'],
    ['LLMKVCacheUsageCritical', 'critical', '5m', 'kvCacheCritical'],
    ['LLMKVCacheExhausted', 'critical', '10m', 'kvCacheExhausted'],
  ].map(
    ([name, severity, dur, key]): AlertSpec => ({
      name: name!,
      severity: severity as AlertSpec['severity'],
      for: dur!,
      family: name === 'LLMKVCacheExhausted' ? undefined : 'kv-cache',
      expr: (_, t) => `${recorded.gauge('kvCacheUsage')} > ${t[key as keyof Thresholds]}`,
      summary:
        'KV cache of {{ $labels.model_name }} on {{ $labels.instance }} is ' +
        valueText('ratio') +
        ' full.',
      description: (t) =>
        `The KV cache of {{ $labels.engine }} serving {{ $labels.model_name }} on {{ $labels.instance }} has been above ${pct(t[key as keyof Thresholds])} for ${dur}. New requests queue and running ones get preempted when it fills.`,
      threshold: (t) => `KV-cache usage > ${pct(t[key as keyof Thresholds])} for ${dur}`,
      test: (t) => ({
        series: [{ series: `${metric('kvCacheUsage')}${L(W)}`, kind: 'gauge', value: (v) => v }],
        fire: Math.min(1, t[key as keyof Thresholds] + 0.02),
        quiet: t[key as keyof Thresholds] - 0.02,
        labels: W,
      }),
      runbook: {
        meaning:
          'The share of KV-cache blocks in use on one engine instance stayed above the threshold. The KV cache holds the attention keys and values of every running sequence; when it is full the scheduler cannot admit new requests and preempts running ones.',
        impact:
          'Requests wait longer (TTFT rises), preemptions recompute work (throughput falls), and at 100 % the queue grows without bound.',
        diagnosis: [
          CHECK_ENGINE,
          'Compare "Running and waiting requests" and "Preemptions": a full cache with a growing queue means the instance is over capacity.',
          'Check "Tokens per second" (prompt): a burst of long prompts fills the cache faster than requests finish.',
          'On vLLM, check `--gpu-memory-utilization` and `--max-num-seqs`; a low value leaves little room for the cache.',
        ],
        mitigation: [
          'Add replicas or shift traffic to less loaded instances.',
          'Lower the maximum concurrent sequences (vLLM `--max-num-seqs`, TGI `--max-batch-total-tokens`) so requests queue instead of thrashing.',
          'Cap `max_tokens` or prompt length at the gateway for the heaviest clients.',
          'Enable prefix caching if many prompts share a prefix.',
        ],
      },
    }),
  ),
  ...(
    [
      ['LLMWorkerQueueDepthHigh', 'warning', 'queueWorkerWarning', 'worker'],
      ['LLMWorkerQueueDepthCritical', 'critical', 'queueWorkerCritical', 'worker'],
      ['LLMModelQueueDepthHigh', 'warning', 'queueModelWarning', 'model'],
      ['LLMModelQueueDepthCritical', 'critical', 'queueModelCritical', 'model'],
    ] as const
  ).map(
    ([name, severity, key, level]): AlertSpec => ({
      name,
      severity,
      for: '5m',
      family: `queue-${level}`,
      expr: (_, t) =>
        level === 'worker'
          ? `${recorded.gauge('requestsWaiting')} > ${t[key]}`
          : `sum ${by(['namespace', 'model_name'])} (${recorded.gauge('requestsWaiting')}) > ${t[key]}`,
      summary:
        level === 'worker'
          ? '{{ $value }} requests wait on {{ $labels.instance }} ({{ $labels.model_name }}).'
          : '{{ $value }} requests wait for {{ $labels.model_name }} across the fleet.',
      description: (t) =>
        level === 'worker'
          ? `More than ${t[key]} requests have been waiting to be scheduled on {{ $labels.instance }} for 5 minutes.`
          : `More than ${t[key]} requests for {{ $labels.model_name }} have been waiting to be scheduled, summed over every worker, for 5 minutes.`,
      threshold: (t) =>
        `> ${t[key]} waiting requests ${level === 'worker' ? 'per worker' : 'per model'} for 5m`,
      test: (t) =>
        level === 'worker'
          ? {
              series: [
                { series: `${metric('requestsWaiting')}${L(W)}`, kind: 'gauge', value: (v) => v },
              ],
              fire: t[key] + 1,
              quiet: t[key],
              labels: W,
            }
          : {
              // Two workers, each holding half of the queue.
              series: [
                {
                  series: `${metric('requestsWaiting')}${L(W)}`,
                  kind: 'gauge',
                  value: (v) => v / 2,
                },
                {
                  series: `${metric('requestsWaiting')}${L({ ...W, instance: 'worker-2:8000' })}`,
                  kind: 'gauge',
                  value: (v) => v / 2,
                },
              ],
              fire: t[key] + 2,
              quiet: t[key],
              labels: { model_name: W.model_name },
            },
      runbook: {
        meaning:
          level === 'worker'
            ? 'Requests are queueing on one worker: the engine admits them more slowly than they arrive.'
            : 'Requests for one model are queueing across the fleet: the fleet as a whole lacks capacity for this model.',
        impact: 'Every waiting request adds its queue time to its time to first token.',
        diagnosis: [
          CHECK_ENGINE,
          'Is the KV cache full (see the KV-cache alerts)? Then capacity, not scheduling, is the limit.',
          'Is one worker queueing while others are idle? Then the load balancer is uneven (sticky sessions, prefix-aware routing).',
          'Did the request rate rise ("Request throughput by finish reason"), or did throughput fall ("Tokens per second")?',
        ],
        mitigation: [
          'Scale out the model, or route traffic away from the busiest worker.',
          'Shed load at the gateway (429 with Retry-After) rather than let the queue grow.',
          'If throughput fell, look for preemptions, a slow GPU or a stuck worker.',
        ],
      },
    }),
  ),
  ...(
    [
      ['GPUMemoryUsageHigh', 'warning', 'gpuMemoryWarning'],
      ['GPUMemoryUsageCritical', 'critical', 'gpuMemoryCritical'],
    ] as const
  ).map(
    ([name, severity, key]): AlertSpec => ({
      name,
      severity,
      for: '5m',
      family: 'gpu-memory',
      expr: (_, t) => `${recorded.gpuMemoryRatio} > ${t[key]}`,
      summary:
        'GPU {{ $labels.gpu }} on {{ $labels.instance }} uses ' +
        valueText('ratio') +
        ' of its memory.',
      description: (t) =>
        `Device memory used on GPU {{ $labels.gpu }} ({{ $labels.name }}) of {{ $labels.instance }} has been above ${pct(t[key])} for 5 minutes.`,
      threshold: (t) => `GPU memory used / total > ${pct(t[key])} for 5m`,
      test: (t) => {
        const g = { ...W, gpu: '0', uuid: 'GPU-1', name: 'H100' };
        return {
          series: [
            { series: `${metric('gpuMemoryUsed')}${L(g)}`, kind: 'gauge', value: (v) => v * 80e9 },
            { series: `${metric('gpuMemoryTotal')}${L(g)}`, kind: 'gauge', value: () => 80e9 },
          ],
          fire: Math.min(1, t[key] + 0.01),
          quiet: t[key] - 0.01,
          labels: g,
        };
      },
      runbook: {
        meaning:
          'Device memory in use on one GPU is close to its size. Inference engines reserve most memory up front (vLLM `--gpu-memory-utilization`, default 0.9), so a steady high value can be normal; growth beyond the reservation is not.',
        impact:
          'Another allocation (a second model, a larger batch, CUDA graphs) fails with out-of-memory and the engine may crash.',
        diagnosis: [
          'Open the GPU dashboard: is the memory flat (a reservation) or growing (a leak or a second process)?',
          'Check `gpu_process_memory_bytes` for processes other than the engine.',
          'Compare with the engine configuration: a reservation above the critical threshold fires this alert by design.',
        ],
        mitigation: [
          'If the reservation is intended, raise the threshold for this GPU model in the mixin config.',
          'Stop stray processes on the GPU; restart a leaking worker after draining it.',
          'Lower the engine memory fraction or the maximum batch size.',
        ],
      },
    }),
  ),
  {
    name: 'LLMEndToEndLatencyHigh',
    severity: 'warning',
    for: '10m',
    expr: (x, t) =>
      `${recorded.quantile('e2eRequestLatency', x.w)}{quantile="0.95"} > ${t.e2eLatencyP95Seconds}`,
    summary: `p95 end-to-end latency of {{ $labels.model_name }} is ${valueText('seconds')}.`,
    description: (t) =>
      `95 % of {{ $labels.model_name }} requests on {{ $labels.job }} ({{ $labels.engine }}) took up to {{ $value | humanizeDuration }} from arrival to the last token over the last rate window, above ${t.e2eLatencyP95Seconds} s, for 10 minutes.`,
    threshold: (t) => `p95 end-to-end latency > ${t.e2eLatencyP95Seconds} s for 10m`,
    test: (t) => ({
      // All requests in one bucket: the quantile interpolates inside it, so the two values straddle it.
      series: histogramSeries(metric('e2eRequestLatency'), modelLabels, t.e2eLatencyP95Seconds),
      fire: 1,
      quiet: 0,
      labels: { ...modelLabels, quantile: '0.95' },
      expect: () => 1.925 * t.e2eLatencyP95Seconds,
    }),
    runbook: {
      meaning: 'Requests take long from arrival to their last token, at the 95th percentile.',
      impact: 'Non-streaming clients wait the whole time; clients with timeouts fail.',
      diagnosis: [
        CHECK_ENGINE,
        'Split the time: queue time (capacity), prefill time (long prompts), decode time (long outputs or slow tokens).',
        'Check generated tokens per request: longer answers take longer without anything being wrong.',
        'Check time per output token: a rise means the engine itself got slower (bigger batches, preemptions, GPU throttling).',
      ],
      mitigation: [
        'Queue-bound: add capacity. Decode-bound: lower the batch size or max_tokens.',
        'Set `max_tokens` defaults for clients that do not send one.',
      ],
    },
  },
  {
    name: 'HTTPLatencyHigh',
    severity: 'warning',
    for: '10m',
    // Time to first byte, not duration: a streamed LLM response lasts as long as its answer, so its
    // duration says nothing about the server; the first byte does, and for a response written at
    // once the two are about the same.
    expr: (x, t) =>
      `histogram_quantile(0.95, sum ${by(['namespace', 'job', 'route', 'le'])} (${recorded.httpHistogram('httpTimeToFirstByte', 'bucket', x.w)})) > ${t.httpLatencyP95Seconds}`,
    summary: `p95 time to first byte of {{ $labels.route }} on {{ $labels.job }} is ${valueText('seconds')}.`,
    description: (t) =>
      `95 % of requests to {{ $labels.route }} waited up to {{ $value | humanizeDuration }} for the first byte of their response, above ${t.httpLatencyP95Seconds} s, for 10 minutes. For a streamed response that is the wait before the stream starts; for others, about the whole response time.`,
    threshold: (t) => `p95 HTTP time to first byte > ${t.httpLatencyP95Seconds} s for 10m`,
    test: (t) => ({
      series: histogramSeries(
        metric('httpTimeToFirstByte'),
        { job: W.job, method: 'GET', route: '/v1/models' },
        t.httpLatencyP95Seconds,
      ),
      fire: 1,
      quiet: 0,
      labels: { job: W.job, route: '/v1/models' },
      expect: () => 1.925 * t.httpLatencyP95Seconds,
    }),
    runbook: {
      meaning:
        'An HTTP route is slow to start its response at the 95th percentile: the time from the request reaching the server to the first byte of the body. For a streamed completion that is the wait before the first event.',
      impact: 'Clients wait before anything happens; those with short timeouts fail.',
      diagnosis: [
        'Open the HTTP dashboard: which routes, which status codes; compare "Time to first byte" with "Requests in flight".',
        'On an LLM route, compare with the LLM overview: queue time and TTFT rising together mean the engine is saturated.',
        'Check the event loop and CPU of the process (GC pauses, a large synchronous scrape).',
      ],
      mitigation: [
        'Scale out the service or the engine behind it; move slow work off the request path.',
        'Shed load early (429) rather than keep requests waiting.',
      ],
    },
  },
  {
    name: 'LLMRequestErrorRatioHigh',
    severity: 'critical',
    for: '5m',
    expr: (x, t) => `${recorded.errorRatio(x.w)} > ${t.errorRatio}`,
    summary: '{{ $value | humanizePercentage }} of {{ $labels.model_name }} requests fail.',
    description: (t) =>
      `More than ${pct(t.errorRatio)} of {{ $labels.model_name }} requests on {{ $labels.job }} ({{ $labels.engine }}) ended with an error for 5 minutes.`,
    threshold: (t) => `failed / finished LLM requests > ${pct(t.errorRatio)} for 5m`,
    test: (t) => ({
      series: failingRequests(modelLabels),
      fire: t.errorRatio * 2,
      quiet: t.errorRatio / 2,
      labels: modelLabels,
    }),
    runbook: {
      meaning:
        'A share of LLM requests above the threshold ended with an error inside the engine or the server.',
      impact: 'Users get errors instead of answers.',
      diagnosis: [
        'Open the LLM overview: "Error ratio by error type" shows which error (error_type) dominates.',
        'Check the engine logs around the start of the alert; look for OOM, CUDA errors, timeouts, or a bad deploy.',
        'Compare engines and workers: is it one instance (hardware) or all (a release or a client)?',
      ],
      mitigation: [
        'Roll back a recent deploy; drain and restart a failing instance.',
        'If one client sends invalid requests, fix them at the gateway (these should be 4xx, not engine errors).',
      ],
    },
  },
  {
    name: 'HTTPErrorRatioHigh',
    severity: 'critical',
    for: '5m',
    expr: (x, t) => `${recorded.httpErrorRatio(x.w)} > ${t.errorRatio}`,
    summary: '{{ $value | humanizePercentage }} of {{ $labels.route }} responses are 5xx.',
    description: (t) =>
      `More than ${pct(t.errorRatio)} of {{ $labels.method }} {{ $labels.route }} requests on {{ $labels.job }} were answered with a 5xx status for 5 minutes.`,
    threshold: (t) => `5xx / all HTTP responses > ${pct(t.errorRatio)} for 5m`,
    test: (t) => {
      const h = { job: W.job, method: 'POST', route: '/v1/chat/completions' };
      return {
        series: [
          {
            series: `${metric('httpRequests')}${L({ ...h, status: '500', outcome: 'error' })}`,
            kind: 'counter',
            value: (v) => v,
          },
          {
            series: `${metric('httpRequests')}${L({ ...h, status: '200', outcome: 'completed' })}`,
            kind: 'counter',
            value: (v) => 1 - v,
          },
        ],
        fire: t.errorRatio * 2,
        quiet: t.errorRatio / 2,
        labels: h,
      };
    },
    runbook: {
      meaning: 'A route answers with server errors (5xx) more often than the threshold.',
      impact: 'Clients get errors; retries add load.',
      diagnosis: [
        'Open the HTTP dashboard: which status (500, 502, 503, 504) and which route.',
        '503/429 from an overloaded engine point to capacity; 500 to a bug; 502/504 to an upstream or a timeout.',
      ],
      mitigation: ['Roll back, scale out, or fail over, by the cause above.'],
    },
  },
  {
    name: 'LLMPrefixCacheHitRateLow',
    severity: 'info',
    for: '15m',
    expr: (x, t) => `${recorded.prefixHitRatio(x.w)} < ${t.prefixCacheHitRateMin}`,
    summary: `Prefix-cache hit rate of {{ $labels.model_name }} is ${valueText('ratio')}.`,
    description: (t) =>
      `Fewer than ${pct(t.prefixCacheHitRateMin)} of the prompt tokens looked up in the prefix cache of {{ $labels.model_name }} on {{ $labels.job }} were found there, for 15 minutes.`,
    threshold: (t) => `prefix-cache hits / queries < ${pct(t.prefixCacheHitRateMin)} for 15m`,
    test: (t) => ({
      series: [
        {
          series: `${metric('prefixCacheHits')}${L(modelLabels)}`,
          kind: 'counter',
          value: (v) => v,
        },
        {
          series: `${metric('prefixCacheQueries')}${L(modelLabels)}`,
          kind: 'counter',
          value: () => 1,
        },
      ],
      fire: t.prefixCacheHitRateMin / 2,
      quiet: Math.min(1, t.prefixCacheHitRateMin + 0.05),
      labels: modelLabels,
    }),
    runbook: {
      meaning: 'Prompts reuse little of what the prefix cache holds.',
      impact:
        'Every prompt is prefilled in full: more GPU time per request and a higher TTFT than needed.',
      diagnosis: [
        'Do prompts share a prefix at all (system prompt, few-shot examples, chat history)? If not, a low rate is expected: raise the threshold or disable this alert.',
        'Does the router send one conversation to different replicas? Prefix-aware routing keeps hits on one cache.',
        'Is the KV cache too small, so cached prefixes are evicted before reuse?',
      ],
      mitigation: [
        'Put the shared part of prompts first and keep it byte-identical.',
        'Route by prefix (session affinity) across replicas.',
      ],
    },
  },
  {
    name: 'LLMPreemptionsHigh',
    severity: 'warning',
    for: '10m',
    expr: (x, t) => `${recorded.rate('preemptions', x.w)} > ${t.preemptionsPerSecond}`,
    summary: '{{ $labels.model_name }} preempts {{ $value | humanize }} requests per second.',
    description: (t) =>
      `The scheduler of {{ $labels.model_name }} on {{ $labels.job }} preempted more than ${t.preemptionsPerSecond} requests per second for 10 minutes: running sequences are pushed out for lack of KV cache and recomputed later.`,
    threshold: (t) => `> ${t.preemptionsPerSecond} preemptions/s for 10m`,
    test: (t) => ({
      series: [
        { series: `${metric('preemptions')}${L(modelLabels)}`, kind: 'counter', value: (v) => v },
      ],
      fire: t.preemptionsPerSecond * 2,
      quiet: t.preemptionsPerSecond / 2,
      labels: modelLabels,
    }),
    runbook: {
      meaning: 'Running requests are being sent back to the queue because the KV cache ran out.',
      impact:
        'Preempted work is recomputed: throughput falls and latency jumps for the requests hit.',
      diagnosis: [
        'Check KV-cache usage: preemptions follow a full cache.',
        'Check the batch size and the length of prompts and outputs.',
      ],
      mitigation: [
        'Lower the maximum number of concurrent sequences so the cache is not oversubscribed.',
        'Add capacity, or give the cache more memory.',
      ],
    },
  },
  {
    name: 'LLMTokenThroughputLow',
    severity: 'warning',
    for: '10m',
    expr: (x, t) =>
      `sum ${by(x.agg)} (${recorded.rate('generationTokens', x.w)}) < ${t.minTokensPerSecond} and on (${x.agg.join(', ')}) sum ${by(x.agg)} (${recorded.gauge('requestsRunning')}) > 0`,
    summary:
      '{{ $labels.model_name }} generates only {{ $value | humanize }} tokens/s while requests run.',
    description: (t) =>
      `{{ $labels.model_name }} on {{ $labels.job }} generated fewer than ${t.minTokensPerSecond} tokens per second for 10 minutes while it had running requests: the engine may be stuck or badly degraded.`,
    threshold: (t) => `< ${t.minTokensPerSecond} generated tokens/s while requests run, for 10m`,
    test: (t) => ({
      series: [
        { series: `${metric('generationTokens')}${L(W)}`, kind: 'counter', value: (v) => v },
        { series: `${metric('requestsRunning')}${L(W)}`, kind: 'gauge', value: () => 4 },
      ],
      fire: t.minTokensPerSecond / 2,
      quiet: t.minTokensPerSecond + 10,
      labels: modelLabels,
    }),
    runbook: {
      meaning: 'Requests are running but few tokens come out.',
      impact: 'Streams stall; clients time out.',
      diagnosis: [
        'Is the GPU busy (utilization) or idle (a hang)? Check GPU utilization and power.',
        'Check time per output token and preemptions.',
        'Check the engine logs for NCCL timeouts, CUDA errors or a deadlock.',
      ],
      mitigation: [
        'Drain and restart the stuck worker.',
        'If the model is simply slow on this hardware, lower the threshold for it.',
      ],
    },
  },
  {
    name: 'InferlensTargetDown',
    severity: 'critical',
    for: '5m',
    expr: (x) => `${sel('up', x.s)} == 0`,
    summary: 'Prometheus cannot scrape {{ $labels.instance }} ({{ $labels.job }}).',
    description: () =>
      'The scrape of {{ $labels.instance }} in job {{ $labels.job }} has failed for 5 minutes: its metrics, dashboards and alerts are blind.',
    threshold: () => 'up == 0 for 5m',
    test: () => ({
      series: [
        { series: `up${L({ job: W.job, instance: W.instance })}`, kind: 'gauge', value: (v) => v },
      ],
      fire: 0,
      quiet: 1,
      labels: { job: W.job, instance: W.instance },
    }),
    runbook: {
      meaning:
        'Prometheus could not scrape the target: it is down, unreachable, or answers an error.',
      impact: 'Nothing about this target is visible; its alerts cannot fire.',
      diagnosis: [
        'Open Prometheus → Status → Targets for the error text (connection refused, timeout, 401, 500).',
        'Run `curl -sS <target>/metrics | head` from the Prometheus host.',
        'Check whether the pod or process restarted (crash loop, OOM kill).',
      ],
      mitigation: [
        'Restart or fix the target; fix the network policy, port or path in the scrape config.',
      ],
    },
  },
  {
    name: 'InferlensEngineSourceDown',
    severity: 'warning',
    for: '5m',
    expr: (x) => `${sel(metric('sourceUp'), x.s)} == 0`,
    summary:
      'The {{ $labels.engine }} engine {{ $labels.target }} cannot be scraped by {{ $labels.job }}.',
    description: () =>
      'The inferlens engine source in {{ $labels.job }} has failed to scrape {{ $labels.target }} for 5 minutes; `inferlens_source_scrape_errors_total` says why.',
    threshold: () => 'inferlens_source_up == 0 for 5m',
    test: () => ({
      series: [
        {
          series: `${metric('sourceUp')}${L({ job: 'gateway', instance: 'gw:8080', engine: 'vllm', target: 'http://10.0.0.5:8000' })}`,
          kind: 'gauge',
          value: (v) => v,
        },
      ],
      fire: 0,
      quiet: 1,
      labels: {
        job: 'gateway',
        instance: 'gw:8080',
        engine: 'vllm',
        target: 'http://10.0.0.5:8000',
      },
    }),
    runbook: {
      meaning:
        'A gateway or app that mirrors an engine with an inferlens source cannot scrape that engine.',
      impact: 'The engine series of this target are stale and then dropped; dashboards show a gap.',
      diagnosis: [
        'Read `inferlens_source_scrape_errors_total{target=…}` by `reason`: unreachable, timeout, http_error, too_large, truncated, malformed.',
        "Check the gateway /status page for the target's last error.",
      ],
      mitigation: [
        'Fix the engine or the address; for too_large or timeout, raise the source limits.',
      ],
    },
  },
  {
    name: 'InferlensEngineSourceStale',
    severity: 'warning',
    for: '5m',
    expr: (x, t) =>
      `time() - max ${by(['namespace', 'job', 'instance', 'engine', 'target'])} (${sel(metric('sourceLastSuccess'), x.s)}) > ${t.sourceStaleSeconds}`,
    summary: 'The last good scrape of {{ $labels.target }} is {{ $value | humanizeDuration }} old.',
    description: (t) =>
      `The inferlens source in {{ $labels.job }} has had no successful scrape of {{ $labels.target }} for more than ${t.sourceStaleSeconds} s.`,
    threshold: (t) => `no successful engine scrape for > ${t.sourceStaleSeconds} s, for 5m`,
    test: () => ({
      series: [
        {
          series: `${metric('sourceLastSuccess')}${L({ job: 'gateway', instance: 'gw:8080', engine: 'vllm', target: 't1' })}`,
          // A timestamp that keeps up with the clock (v = 1) or stopped at 0 (v = 0).
          kind: 'counter',
          value: (v) => v,
        },
      ],
      fire: 0,
      quiet: 1,
      labels: { job: 'gateway', instance: 'gw:8080', engine: 'vllm', target: 't1' },
      // The timestamp stopped at 0, so the age is the evaluation time.
      expect: (at) => at,
    }),
    runbook: {
      meaning: 'An engine source has not had a good scrape for a while, though the gateway is up.',
      impact: 'The mirrored engine series are old or gone.',
      diagnosis: [
        'See InferlensEngineSourceDown; also check that the gateway itself is scraped often enough.',
      ],
      mitigation: ['Fix the engine target; see InferlensEngineSourceDown.'],
    },
  },
];

/**
 * A histogram with buckets at half and twice `bound` and one observation per second, all in the
 * lower bucket (v = 0: p95 = 0.475 × bound) or all in the upper one (v = 1: p95 = 1.925 × bound).
 */
function histogramSeries(
  name: string,
  labels: Record<string, string>,
  bound: number,
): TestSeries[] {
  const bucket = (le: string, value: (v: number) => number): TestSeries => ({
    series: `${name}_bucket${L({ ...labels, le })}`,
    kind: 'counter',
    value,
  });
  return [
    bucket(String(bound / 2), (v) => 1 - v),
    bucket(String(bound * 2), () => 1),
    bucket('+Inf', () => 1),
    { series: `${name}_count${L(labels)}`, kind: 'counter', value: () => 1 },
  ];
}

/** LLM requests finishing at one per second, a share `v` of them with an error. */
export function failingRequests(labels: Record<string, string>): TestSeries[] {
  return [
    {
      series: `${metric('requests')}${L({ ...labels, finish_reason: 'error' })}`,
      kind: 'counter',
      value: (v) => v,
    },
    {
      series: `${metric('requests')}${L({ ...labels, finish_reason: 'stop' })}`,
      kind: 'counter',
      value: (v) => 1 - v,
    },
  ];
}

/** The alerting rule of one spec under the config's overrides; undefined when disabled. */
export function alertRule(
  spec: AlertSpec,
  c: MixinConfig,
  x = context(c),
): AlertingRule | undefined {
  const o = c.alerts[spec.name] ?? {};
  if (o.disabled) return undefined;
  return {
    alert: spec.name,
    expr: spec.expr(x, c.thresholds),
    for: o.for ?? spec.for,
    labels: { severity: o.severity ?? spec.severity, ...c.alertLabels },
    annotations: {
      summary: spec.summary,
      description: spec.description(c.thresholds),
      runbook_url: `${c.runbookBaseUrl}/${spec.name}.md`,
    },
  };
}

/** The alert groups (SLO alerts are in the SLO groups). */
export function alertGroups(c: MixinConfig): RuleGroup[] {
  const x = context(c);
  const rules = ALERTS.map((a) => alertRule(a, c, x)).filter((r): r is AlertingRule => !!r);
  return [{ name: 'inferlens.alerts', rules }];
}
