import { schema } from '@inferlens/core/internal';
import { AggregatorRegistry, Counter, Gauge, Registry, register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerLens } from '../src/index.js';
import { parseSamples, parseTypes, promtool } from './exposition.js';
import { mirrorEngine, openMetricsRegistry, recordedLens } from './fixture.js';

/** prom-client prints a family with no series as bare HELP/TYPE lines; core leaves it out. */
function withoutEmptyFamilies(text: string): string {
  return text
    .split('\n\n')
    .filter((block) => block.split('\n').some((l) => l !== '' && !l.startsWith('#')))
    .map((block) => (block.endsWith('\n') ? block : `${block}\n`))
    .join('');
}

describe('registerLens', () => {
  it('makes registry.metrics() print exactly what lens.render() prints', async () => {
    const lens = recordedLens();
    const registry = new Registry();
    registerLens(lens, registry);
    const theirs = await registry.metrics();
    const ours = lens.render();
    expect(parseSamples(theirs)).toEqual(parseSamples(ours));
    expect(withoutEmptyFamilies(theirs)).toBe(ours);
    expect(ours).toContain('otel_metric_overflow="true",worker_id="w1"');
    expect(ours).toContain('model_name="mistral \\"7b\\"\\\\v2"');
    expect(promtool(theirs).status).toBe(0);
  });

  it('shows mirrored engine series as lens.render() does, with their own buckets', async () => {
    const lens = recordedLens();
    mirrorEngine(lens);
    const registry = new Registry();
    registerLens(lens, registry);
    const theirs = await registry.metrics();
    const ours = lens.render();
    expect(withoutEmptyFamilies(theirs)).toBe(ours);
    const samples = parseSamples(theirs);
    const rest = 'model_name="qwen",target="10.0.0.5:8000",worker_id="w1"';
    const vllm = `engine="vllm",${rest}`;
    expect(samples.get(`${schema.requestsRunning.prometheus}{${vllm}}`)).toBe(3);
    // parseSamples sorts labels, so `le` sits between engine and model_name.
    const ttft = schema.timeToFirstToken.prometheus;
    const bucket = (le: string) =>
      samples.get(`${ttft}_bucket{dp_rank="1",engine="vllm",le="${le}",${rest}}`);
    expect(bucket('0.00015000000000000001')).toBe(1);
    expect(bucket('2')).toBe(3);
    expect(bucket('+Inf')).toBe(4);
    expect(samples.get(`${ttft}_count{dp_rank="1",${vllm}}`)).toBe(4);
    expect(samples.has(`${ttft}_sum{dp_rank="1",${vllm}}`)).toBe(false);
    expect(theirs).not.toContain('model_name="misshapen"');
    expect(promtool(theirs).status).toBe(0);

    const json = await registry.getMetricsAsJSON();
    const values = json.find((m) => m.name === schema.timeToFirstToken.prometheus)!.values as {
      labels: Record<string, string>;
      metricName?: string;
    }[];
    const mirrored = values.filter((v) => v.labels.target === '10.0.0.5:8000');
    expect(mirrored.map((v) => v.labels.le ?? v.metricName)).toEqual([
      '0.00015000000000000001',
      '2',
      '+Inf',
      `${schema.timeToFirstToken.prometheus}_count`,
    ]);
    expect(mirrored[0]!.labels).toEqual({
      model_name: 'qwen',
      engine: 'vllm',
      target: '10.0.0.5:8000',
      dp_rank: '1',
      worker_id: 'w1',
      le: '0.00015000000000000001',
    });

    const om = openMetricsRegistry();
    registerLens(lens, om);
    expect(parseSamples(await om.metrics())).toEqual(parseSamples(lens.render('openmetrics')));
  });

  it('declares one family per schema row, with the schema type', async () => {
    const registry = new Registry();
    registerLens(recordedLens(), registry);
    const types = parseTypes(await registry.metrics());
    expect(types.size).toBe(Object.keys(schema).length);
    for (const def of Object.values(schema)) expect(types.get(def.prometheus)).toBe(def.kind);
  });

  it('renders OpenMetrics with the samples core writes, and text again afterwards', async () => {
    const lens = recordedLens();
    const om = openMetricsRegistry();
    registerLens(lens, om);
    const text = await om.metrics();
    expect(parseSamples(text)).toEqual(parseSamples(lens.render('openmetrics')));
    expect(text).toContain('# TYPE llm_requests counter\n');
    expect(text.match(/# EOF/g)).toHaveLength(1);
    // prom-client renames counters in place for OpenMetrics; ours keep their names for text.
    const bridged = om.getSingleMetric(schema.requests.prometheus) as { name?: string } | undefined;
    expect(bridged?.name).toBe(schema.requests.prometheus);
    const single = await om.getSingleMetricAsString(schema.requests.prometheus);
    expect(single).toContain('llm_requests_total{model_name="llama-3-8b"');
    expect(single).not.toContain('_total_total');
    const plain = new Registry();
    registerLens(lens, plain);
    expect(parseSamples(await plain.metrics())).toEqual(parseSamples(lens.render()));
  });

  it('gives getMetricsAsJSON cumulative buckets with _bucket, _sum and _count names', async () => {
    const registry = new Registry();
    registerLens(recordedLens(), registry);
    const json = await registry.getMetricsAsJSON();
    const itl = json.find((m) => m.name === schema.interTokenLatency.prometheus)!;
    expect(itl).toMatchObject({ type: 'histogram', aggregator: 'sum' });
    type Value = { labels: Record<string, string>; value: number; metricName?: string };
    // Resolving a model creates its series for every family, so the failed model has a zero ITL.
    const values = (itl.values as Value[]).filter((v) => v.labels.model_name === 'llama-3-8b');
    const buckets = values.filter((v) => v.metricName?.endsWith('_bucket'));
    expect(buckets).toHaveLength(schema.interTokenLatency.buckets.length + 1);
    expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' }, value: 20 });
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    expect(buckets.find((b) => b.labels.le === '0.025')?.value).toBe(20);
    expect(values.find((v) => v.metricName?.endsWith('_sum'))?.value).toBeCloseTo(0.5);
    expect(values.find((v) => v.metricName?.endsWith('_count'))).toMatchObject({
      labels: { model_name: 'llama-3-8b', engine: 'bench-engine', worker_id: 'w1' },
      value: 20,
    });
  });

  it('aggregates across cluster workers as AggregatorRegistry does', async () => {
    const workers = ['w1', 'w2'].map((w) => {
      const registry = new Registry();
      const lens = recordedLens('same');
      lens.handles('llama-3-8b').kvCacheUsage.set(w === 'w1' ? 0.2 : 0.6);
      registerLens(lens, registry);
      return registry.getMetricsAsJSON();
    });
    const merged = AggregatorRegistry.aggregate(await Promise.all(workers));
    const samples = parseSamples(await merged.metrics());
    const labels = 'engine="bench-engine",model_name="llama-3-8b",worker_id="same"';
    expect(samples.get(`llm_generation_tokens_total{${labels}}`)).toBe(42);
    const inf = 'engine="bench-engine",le="+Inf",model_name="llama-3-8b",worker_id="same"';
    expect(samples.get(`llm_inter_token_latency_seconds_bucket{${inf}}`)).toBe(40);
    expect(samples.get(`llm_requests_waiting{${labels}}`)).toBe(2);
    expect(samples.get(`llm_kv_cache_usage_ratio{${labels}}`)).toBeCloseTo(0.4);
  });

  it('runs the collect hooks once per scrape, before reading', async () => {
    const lens = recordedLens();
    let runs = 0;
    lens.onCollect(() => {
      runs++;
      lens.handles('llama-3-8b').kvCacheUsage.set(runs / 10);
    });
    const registry = new Registry();
    registerLens(lens, registry);
    const first = parseSamples(await registry.metrics());
    expect(runs).toBe(1);
    const key =
      'llm_kv_cache_usage_ratio{engine="bench-engine",model_name="llama-3-8b",worker_id="w1"}';
    expect(first.get(key)).toBe(0.1);
    await registry.getMetricsAsJSON();
    expect(runs).toBe(2);
  });

  it('applies the registry default labels and survives Registry.merge and resetMetrics', async () => {
    const lens = recordedLens();
    const registry = new Registry();
    registry.setDefaultLabels({ region: 'eu' });
    registerLens(lens, registry);
    registry.resetMetrics();
    const text = await registry.metrics();
    expect(text).toContain(
      'llm_requests_waiting{model_name="llama-3-8b",engine="bench-engine",worker_id="w1",region="eu"} 1',
    );
    const other = new Registry();
    new Counter({ name: 'app_things_total', help: 'x', registers: [other] }).inc();
    const merged = Registry.merge([registry, other]);
    const samples = parseSamples(await merged.metrics());
    expect(samples.get('app_things_total{}')).toBe(1);
    expect([...samples.keys()].filter((k) => k.startsWith('llm_')).length).toBe(
      [...parseSamples(lens.render()).keys()].filter((k) => k.startsWith('llm_')).length,
    );
  });

  it('refuses a name clash at setup and registers nothing', () => {
    const registry = new Registry();
    new Gauge({ name: schema.requestsRunning.prometheus, help: 'mine', registers: [registry] });
    new Counter({
      name: 'llm_requests',
      help: 'mine, OpenMetrics family llm_requests',
      registers: [registry],
    });
    expect(() => registerLens(recordedLens(), registry)).toThrow(
      /^\[@inferlens\/prom-client\] registerLens: .*"llm_requests_total" \(registry has "llm_requests"\).*"llm_requests_running"/,
    );
    expect(registry.getMetricsAsArray()).toHaveLength(2);
  });

  it('refuses the same lens twice, and bad arguments, with the package name', () => {
    const lens = recordedLens();
    const registry = new Registry();
    registerLens(lens, registry);
    expect(() => registerLens(lens, registry)).toThrow(
      /an inferlens lens is already registered here/,
    );
    expect(() => registerLens({} as never, registry)).toThrow(
      /^\[@inferlens\/prom-client\] registerLens: expected a Lens/,
    );
    expect(() => registerLens(lens, {} as never)).toThrow(/expected a prom-client Registry/);
  });

  it('uses the global registry by default, and unregisters only its own metrics', async () => {
    const mine = new Counter({ name: 'app_global_total', help: 'x' });
    const unregister = registerLens(recordedLens());
    expect(register.getSingleMetric(schema.timeToFirstToken.prometheus)).toBeDefined();
    unregister();
    expect(register.getMetricsAsArray().map((m) => m.name)).toEqual(['app_global_total']);
    expect((mine as unknown as { name: string }).name).toBe('app_global_total');
    register.clear();
  });
});
