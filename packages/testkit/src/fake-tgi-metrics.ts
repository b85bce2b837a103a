import type { EngineEvents, SchedulerStats } from '@inferlens/core/internal';
import type { SimulatedEngine } from './engine.js';
import { FakeHistogram, rustFloat } from './fake-format.js';

/** TGI's `*_duration` buckets: 0.0001 × 1.5^k, k = 1..35, by repeated multiplication (server.rs). */
const DURATION: number[] = [];
for (let v = 0.0001, k = 0; k < 35; k++) DURATION.push((v *= 1.5));
const linear = (max: number) => Array.from({ length: 100 }, (_, k) => (max / 100) * (k + 1));
const BATCH = Array.from({ length: 1024 }, (_, k) => k + 1);

/** HELP texts; the real capture has the first ones verbatim. Families without one have no HELP. */
const HELP: Readonly<Record<string, string>> = {
  tgi_request_success: 'Number of successful requests',
  tgi_request_count: 'Total number of requests',
  tgi_batch_inference_success:
    'Number of successful inference calls per method (prefill or decode)',
  tgi_batch_inference_count: 'Inference calls per method (prefill or decode)',
  tgi_queue_size: 'Current queue size',
  tgi_batch_current_max_tokens: 'Maximum tokens for the current batch',
  tgi_batch_current_size: 'Current batch size',
  tgi_request_input_length: 'Input token length per request',
  tgi_request_max_new_tokens: 'Maximum new tokens per request',
  tgi_request_inference_duration: 'Request inference duration',
  tgi_request_skipped_tokens: 'Speculated tokens per request',
  tgi_batch_forward_duration: 'Batch forward duration per method (prefill or decode)',
  tgi_request_duration: 'Request duration',
  tgi_request_validation_duration: 'Request validation duration',
  tgi_request_queue_duration: 'Request queue duration',
  tgi_batch_filter_duration: 'Batch filtering duration per method (prefill or decode)',
  tgi_batch_inference_duration: 'Batch inference duration per method (prefill or decode)',
  tgi_request_mean_time_per_token_duration: 'Mean time per token per request',
  tgi_request_generated_tokens: 'Generated tokens per request',
  tgi_batch_decode_duration: 'Batch decode duration per method (prefill or decode)',
  tgi_batch_next_size: 'Batch size',
};

const COUNTERS = [
  'tgi_request_success',
  'tgi_batch_concat',
  'tgi_request_count',
  'tgi_request_failure',
  'tgi_batch_inference_success',
  'tgi_batch_inference_count',
];
const GAUGES = ['tgi_queue_size', 'tgi_batch_current_max_tokens', 'tgi_batch_current_size'];
const HISTOGRAMS = [
  'tgi_request_input_length',
  'tgi_request_max_new_tokens',
  'tgi_request_inference_duration',
  'tgi_request_skipped_tokens',
  'tgi_batch_forward_duration',
  'tgi_request_duration',
  'tgi_request_validation_duration',
  'tgi_request_queue_duration',
  'tgi_batch_filter_duration',
  'tgi_batch_inference_duration',
  'tgi_request_mean_time_per_token_duration',
  'tgi_request_generated_tokens',
  'tgi_batch_decode_duration',
  'tgi_batch_next_size',
];

/**
 * TGI's router metrics recorded from a simulated engine's events, rendered as
 * metrics-exporter-prometheus 0.15 writes them (docs/engines.md, "TGI"): counters without
 * `_total`, Rust float formatting (`le="0.00015000000000000001"`), labels before `le`, a blank
 * line between families, series that exist only after their first event, and
 * `tgi_request_skipped_tokens` as a summary. A test double, independent of the adapter.
 */
export class TgiMetrics {
  readonly #counters = new Map<string, Map<string, number>>();
  readonly #gauges = new Map<string, number>();
  readonly #hists = new Map<string, Map<string, FakeHistogram>>();
  readonly #skipped = { count: 0, sum: 0 };
  readonly #bounds: Record<string, number[]>;
  readonly #requests = new Map<string, { start: number; queued: number; scheduled?: number }>();
  #step = { end: 0, prefill: false, admitted: 0 };
  #lastStepEnd: number | undefined;

  constructor(engine: SimulatedEngine, maxInputTokens: number, maxTotalTokens: number) {
    this.#bounds = {
      tgi_request_input_length: linear(maxInputTokens),
      tgi_request_max_new_tokens: linear(maxTotalTokens),
      tgi_request_generated_tokens: linear(maxTotalTokens),
      tgi_batch_next_size: BATCH,
    };
    engine.on('scheduled', (e) => this.#scheduled(e));
    engine.on('firstToken', (e) => this.#token(e.time ?? engine.now(), true));
    engine.on('tokens', (e) => this.#token(e.time ?? engine.now(), false));
    engine.on('finished', (e) => this.#finished(e));
    engine.on('failed', (e) => this.#ended(e.id, 'generation'));
    engine.on('aborted', (e) => this.#ended(e.id, 'dropped'));
    engine.on('stats', (s) => this.#stats(s, engine));
  }

  inc(name: string, labels = '', n = 1): void {
    let m = this.#counters.get(name);
    if (!m) this.#counters.set(name, (m = new Map()));
    m.set(labels, (m.get(labels) ?? 0) + n);
  }

  observe(name: string, v: number, labels = ''): void {
    let m = this.#hists.get(name);
    if (!m) this.#hists.set(name, (m = new Map()));
    let h = m.get(labels);
    if (!h) m.set(labels, (h = new FakeHistogram(this.#bounds[name] ?? DURATION)));
    h.observe(v);
  }

  /** The HTTP handler validated a request (arrival `start`, queued now, both in ms). */
  accepted(
    id: string,
    start: number,
    queued: number,
    inputLength: number,
    maxNewTokens: number,
  ): void {
    this.#requests.set(id, { start, queued });
    this.observe('tgi_request_validation_duration', (queued - start) / 1000);
    this.observe('tgi_request_input_length', inputLength);
    this.observe('tgi_request_max_new_tokens', maxNewTokens);
    this.#gauges.set('tgi_queue_size', (this.#gauges.get('tgi_queue_size') ?? 0) + 1);
  }

  #scheduled(e: EngineEvents['scheduled']): void {
    const r = this.#requests.get(String(e.id));
    if (r && r.scheduled === undefined) {
      r.scheduled = e.time ?? r.queued;
      this.observe('tgi_request_queue_duration', (r.scheduled - r.queued) / 1000);
      this.#step.admitted++;
    }
  }

  #token(time: number, first: boolean): void {
    this.#step.end = Math.max(this.#step.end, time);
    if (first) this.#step.prefill = true;
  }

  #finished(e: EngineEvents['finished']): void {
    const r = this.#requests.get(String(e.id));
    this.#requests.delete(String(e.id));
    if (!r) return;
    const t = e.time ?? r.queued;
    const generated = e.generationTokens ?? 0;
    const inference = (t - (r.scheduled ?? r.queued)) / 1000;
    this.inc('tgi_request_success');
    this.observe('tgi_request_duration', (t - r.start) / 1000);
    this.observe('tgi_request_inference_duration', inference);
    if (generated > 0)
      this.observe('tgi_request_mean_time_per_token_duration', inference / generated);
    this.observe('tgi_request_generated_tokens', generated);
  }

  #ended(id: string | number, err: string): void {
    if (this.#requests.delete(String(id))) this.inc('tgi_request_failure', `err="${err}"`);
  }

  #stats(s: SchedulerStats, engine: SimulatedEngine): void {
    const step = this.#step;
    this.#step = { end: 0, prefill: false, admitted: 0 };
    this.#gauges.set('tgi_queue_size', engine.state.waiting);
    this.#gauges.set('tgi_batch_current_size', engine.state.running);
    this.#gauges.set('tgi_batch_current_max_tokens', s.iterationTokens ?? 0);
    if (step.end === 0) return;
    const dt =
      this.#lastStepEnd === undefined ? 0.012 : Math.max(0, (step.end - this.#lastStepEnd) / 1000);
    this.#lastStepEnd = step.end;
    const method = step.prefill ? 'prefill' : 'decode';
    const m = `method="${method}"`;
    this.inc('tgi_batch_inference_count', m);
    this.inc('tgi_batch_inference_success', m);
    this.observe('tgi_batch_inference_duration', dt, m);
    this.observe('tgi_batch_forward_duration', dt * 0.9, m);
    this.observe('tgi_batch_decode_duration', dt * 0.06, m);
    this.observe('tgi_batch_filter_duration', dt * 0.02, m);
    if (step.prefill) {
      this.observe('tgi_batch_next_size', Math.max(1, step.admitted));
      if ((s.batchSize ?? 0) > step.admitted)
        this.inc('tgi_batch_concat', 'reason="wait_exceeded"');
    } else this.#skipped.count++;
  }

  render(): string {
    const blocks: string[] = [];
    const head = (name: string, type: string) =>
      `${HELP[name] ? `# HELP ${name} ${HELP[name]}\n` : ''}# TYPE ${name} ${type}\n`;
    const braces = (l: string) => (l ? `{${l}}` : '');
    for (const name of COUNTERS) {
      const m = this.#counters.get(name);
      if (m)
        blocks.push(
          head(name, 'counter') + [...m].map(([l, v]) => `${name}${braces(l)} ${v}\n`).join(''),
        );
    }
    for (const name of GAUGES) {
      const v = this.#gauges.get(name);
      if (v !== undefined) blocks.push(`${head(name, 'gauge')}${name} ${rustFloat(v)}\n`);
    }
    for (const name of HISTOGRAMS) {
      if (name === 'tgi_request_skipped_tokens') {
        if (this.#skipped.count === 0) continue;
        const q = ['0', '0.5', '0.9', '0.95', '0.99', '0.999', '1']
          .map((x) => `${name}{quantile="${x}"} 0\n`)
          .join('');
        blocks.push(
          `${head(name, 'summary')}${q}${name}_sum ${rustFloat(this.#skipped.sum)}\n${name}_count ${this.#skipped.count}\n`,
        );
        continue;
      }
      const m = this.#hists.get(name);
      if (!m) continue;
      let body = head(name, 'histogram');
      for (const [l, h] of m) {
        const sep = l ? `${l},` : '';
        let cum = 0;
        h.counts.forEach((c, i) => {
          cum += c;
          const le = i < h.bounds.length ? rustFloat(h.bounds[i]!) : '+Inf';
          body += `${name}_bucket{${sep}le="${le}"} ${cum}\n`;
        });
        body += `${name}_sum${braces(l)} ${rustFloat(h.sum)}\n${name}_count${braces(l)} ${h.count}\n`;
      }
      blocks.push(body);
    }
    return blocks.join('\n');
  }
}
