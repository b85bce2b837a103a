/**
 * One request's life as the recording suite drives it: queued → started (30 ms queue) → first
 * token (80 ms prefill) → 99 more token outputs → finished, at fixed offsets in milliseconds
 * from an arrival time on the lens clock. inferlens records it through the request tracker; the peers through
 * {@link recordLifecycle}, which makes exactly the calls the tracker makes on its series.
 */
import type { Lens, MetricId, RequestTracker } from '@inferlens/core';
import type {
  Counter as OtelCounter,
  Histogram as OtelHistogram,
  UpDownCounter,
} from '@opentelemetry/api';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { Registry } from 'prom-client';
import {
  LATENCY_HISTOGRAMS,
  type OtelSetup,
  otelAttributes,
  otelSetup,
  promMetrics,
} from './peers.js';

export const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
export const ENGINE = 'bench';
export const TOKENS = 100;
const QUEUE_MS = 30;
const PREFILL_MS = 80;
const PROMPT_TOKENS = 512;
/** Inter-token gaps in ms, varied so histograms scan different buckets. */
export const ITL_MS = Array.from({ length: TOKENS - 1 }, (_, i) => 12 + ((i * 37) % 50));

const HISTOGRAMS = [
  ...LATENCY_HISTOGRAMS,
  'requestPrefillTime',
  'requestDecodeTime',
  'requestInferenceTime',
  'requestPromptTokens',
  'requestGenerationTokens',
] as const satisfies readonly MetricId[];
const COUNTERS = [
  'requests',
  'promptTokens',
  'generationTokens',
] as const satisfies readonly MetricId[];
const GAUGES = ['requestsRunning', 'requestsWaiting'] as const satisfies readonly MetricId[];
export const LIFECYCLE_IDS = [...HISTOGRAMS, ...COUNTERS, ...GAUGES];

/** A peer's recording calls, one closure per metric, labels bound once. */
export interface DirectRecorder {
  observe: Record<(typeof HISTOGRAMS)[number], (v: number) => void>;
  add: Record<(typeof COUNTERS)[number] | (typeof GAUGES)[number], (n: number) => void>;
}

/** The lifecycle through the tracker; `time` undefined makes every call read the lens clock. */
export function trackerLifecycle(lens: Lens, t0: number | undefined): number {
  const finish = FINISH;
  const r = lens.request({ model: MODEL, time: t0 });
  if (t0 === undefined) {
    r.queued();
    r.started();
    r.firstToken(1);
    for (let i = 0; i < TOKENS - 1; i++) r.tokens(1);
    r.finish(finish);
    return r.generatedTokens;
  }
  r.queued(t0);
  r.started(t0 + QUEUE_MS);
  let t = t0 + QUEUE_MS + PREFILL_MS;
  r.firstToken(1, t);
  for (let i = 0; i < TOKENS - 1; i++) r.tokens(1, (t += ITL_MS[i]!));
  r.finish(finish, t);
  return r.generatedTokens;
}
const FINISH = { finishReason: 'stop', promptTokens: PROMPT_TOKENS };

/** A request past its first token, ready to receive more. */
export function startedRequest(lens: Lens): RequestTracker {
  const r = lens.request({ model: MODEL });
  r.started();
  r.firstToken(1);
  return r;
}

/** The same calls the tracker makes, in the same order, through a peer's API. */
export function recordLifecycle(rec: DirectRecorder, t0: number): number {
  const { observe, add } = rec;
  add.requestsWaiting(1);
  const ts = t0 + QUEUE_MS;
  add.requestsWaiting(-1);
  add.requestsRunning(1);
  observe.requestQueueTime((ts - t0) / 1000);
  let t = ts + PREFILL_MS;
  observe.timeToFirstToken((t - t0) / 1000);
  observe.requestPrefillTime((t - ts) / 1000);
  add.generationTokens(1);
  const first = t;
  for (let i = 0; i < TOKENS - 1; i++) {
    const next = t + ITL_MS[i]!;
    observe.interTokenLatency((next - t) / 1000);
    add.generationTokens(1);
    t = next;
  }
  add.requestsRunning(-1);
  add.requests(1);
  observe.e2eRequestLatency((t - t0) / 1000);
  observe.requestDecodeTime((t - first) / 1000);
  observe.requestInferenceTime((t - ts) / 1000);
  observe.timePerOutputToken((t - first) / 1000 / (TOKENS - 1));
  observe.requestGenerationTokens(TOKENS);
  add.promptTokens(PROMPT_TOKENS);
  observe.requestPromptTokens(PROMPT_TOKENS);
  return t;
}

export const LABELS = Object.freeze({ model_name: MODEL, engine: ENGINE });
const FINISH_LABELS = Object.freeze({ ...LABELS, finish_reason: 'stop' });

/** prom-client, the idiomatic way: `observe(labels, v)` / `inc(labels, n)`, one labels object. */
export function promRecorder(): DirectRecorder {
  const p = promMetrics(LIFECYCLE_IDS, new Registry());
  const observe = {} as DirectRecorder['observe'];
  for (const id of HISTOGRAMS) {
    const h = p[id] as Histogram;
    observe[id] = (v) => h.observe(LABELS, v);
  }
  const add = {} as DirectRecorder['add'];
  for (const id of COUNTERS) {
    const c = p[id] as Counter;
    const labels = id === 'requests' ? FINISH_LABELS : LABELS;
    add[id] = (n) => c.inc(labels, n);
  }
  for (const id of GAUGES) {
    const g = p[id] as Gauge;
    add[id] = (n) => g.inc(LABELS, n);
  }
  return { observe, add };
}

/** The OTel API: `record(v, attrs)` / `add(n, attrs)` with frozen attribute objects. */
export function otelRecorder(): DirectRecorder & { setup: OtelSetup } {
  const setup = otelSetup(LIFECYCLE_IDS);
  const observe = {} as DirectRecorder['observe'];
  for (const id of HISTOGRAMS) {
    const h = setup.instruments[id] as OtelHistogram;
    const attrs = otelAttributes(id, LABELS);
    observe[id] = (v) => h.record(v, attrs);
  }
  const add = {} as DirectRecorder['add'];
  for (const id of [...COUNTERS, ...GAUGES]) {
    const c = setup.instruments[id] as OtelCounter | UpDownCounter;
    const attrs = otelAttributes(id, id === 'requests' ? FINISH_LABELS : LABELS);
    add[id] = (n) => c.add(n, attrs);
  }
  return { observe, add, setup };
}
