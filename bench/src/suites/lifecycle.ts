/**
 * Recording cost: one request's whole life three ways, and the cost of one token.
 *
 * Every contender records the same metrics from the same synthetic timestamps: queue time, TTFT,
 * prefill, 99 inter-token latencies, decode, inference, e2e and TPOT histograms, the prompt and
 * generation token counters and per-request token histograms, the finish-reason counter and the
 * running/waiting gauges (see ../lifecycle.ts). prom-client uses `observe(labels, v)` with one
 * reused labels object, the idiomatic way (its `labels()` children re-validate and re-hash on every
 * call in 15.1.3, so they are no faster); OTel uses `record(v, attrs)` with reused attributes.
 */
import { createLens } from '@inferlens/core';
import { measure, type Result } from '../harness.js';
import {
  ITL_MS,
  MODEL,
  otelRecorder,
  promRecorder,
  recordLifecycle,
  startedRequest,
  TOKENS,
  trackerLifecycle,
} from '../lifecycle.js';
import { resultTable, verdict } from '../table.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

export async function run(): Promise<{ title: string; table: string; notes: string[] }> {
  const lens = createLens({ engine: 'bench' });
  // The same lifecycle with exemplars on (a trace id kept on the TTFT and e2e buckets), so the
  // table shows what they cost; off, the tracker pays one comparison per request (issue #11).
  const traced = createLens({ engine: 'bench', exemplars: { traceId: () => TRACE_ID } });
  const prom = promRecorder();
  const otel = otelRecorder();
  // Arrival is one clock read in every contender (the tracker reads it once more itself); the
  // other times are arrival plus fixed offsets, well inside the tracker's one-hour skew check.
  const lifecycle = await measure([
    { name: 'inferlens tracker', fn: () => trackerLifecycle(lens, performance.now()) },
    { name: 'inferlens tracker, clock read per call', fn: () => trackerLifecycle(lens, undefined) },
    { name: 'prom-client observe(labels, v)', fn: () => recordLifecycle(prom, performance.now()) },
    { name: 'OTel API record(v, attrs)', fn: () => recordLifecycle(otel, performance.now()) },
    {
      name: 'inferlens tracker, exemplars on',
      fn: () => trackerLifecycle(traced, performance.now()),
    },
  ]);
  const [il, ilClock, pc, ot] = lifecycle as [Result, Result, Result, Result];

  // One token, as an engine delivers it: a step of 64 running requests, each getting a token. With
  // a caller-supplied time the engine reads the clock once per step (1/64 of a read per token);
  // without one, the tracker reads it for every token.
  const BATCH = 64;
  const timed = Array.from({ length: BATCH }, () => startedRequest(lens));
  const clocked = Array.from({ length: BATCH }, () => startedRequest(lens));
  const series = lens.handles(MODEL).interTokenLatency;
  let t = 0;
  let k = 0;
  const gap = (): number => ITL_MS[k++ % ITL_MS.length]! / 1000;
  const perToken = await measure([
    {
      name: `inferlens tracker.tokens(1, t), clock read once per ${BATCH}-request step`,
      fn: () => {
        const i = k++ & (BATCH - 1);
        if (i === 0) t = lens.now();
        timed[i]!.tokens(1, t);
        return i;
      },
    },
    {
      name: 'inferlens tracker.tokens(1), clock read per token',
      fn: () => clocked[k++ & (BATCH - 1)]!.tokens(1) ?? k,
    },
    { name: 'performance.now() alone', fn: () => performance.now() },
    { name: 'an empty call (the harness floor)', fn: () => k },
    { name: 'inferlens HistogramSeries.observe(v)', fn: () => series.observe(gap()) ?? k },
    {
      name: 'prom-client histogram.observe(labels, v)',
      fn: () => prom.observe.interTokenLatency(gap()) ?? k,
    },
    {
      name: 'OTel histogram.record(v, attrs)',
      fn: () => otel.observe.interTokenLatency(gap()) ?? k,
    },
  ]);
  const [tok, tokClock, clock, , , obs, rec] = perToken as [
    Result,
    Result,
    Result,
    Result,
    Result,
    Result,
    Result,
  ];
  lens.close();
  await otel.setup.provider.shutdown();

  const table = [
    `**One request: queued → started → first token → ${TOKENS - 1} more token outputs → finished, every metric**`,
    '',
    resultTable(lifecycle, 'inferlens tracker'),
    '',
    '**Cost per token**',
    '',
    resultTable(perToken, perToken[0]!.name),
  ].join('\n');
  return {
    title: 'Recording: request lifecycle and cost per token',
    table,
    notes: [
      verdict('lifecycle, prom-client ÷ inferlens', pc.median / il.median, 10, '≥'),
      verdict('lifecycle, OTel ÷ inferlens', ot.median / il.median, 20, '≥'),
      verdict(
        'lifecycle, prom-client ÷ inferlens reading the clock at every call',
        pc.median / ilClock.median,
        10,
        '≥',
      ),
      verdict(
        'lifecycle, OTel ÷ inferlens reading the clock at every call',
        ot.median / ilClock.median,
        20,
        '≥',
      ),
      verdict(
        'one token with the step time, inferlens ÷ one prom-client observe',
        tok.median / obs.median,
        1 / 20,
        '≤',
      ),
      verdict(
        'one token reading the clock, inferlens ÷ one prom-client observe',
        tokClock.median / obs.median,
        1 / 20,
        '≤',
      ),
      `the clock read alone is ${((clock.median / obs.median) * 100).toFixed(1)}% of one prom-client observe; one OTel record costs ${(rec.median / obs.median).toFixed(2)}× one observe`,
    ],
  };
}
