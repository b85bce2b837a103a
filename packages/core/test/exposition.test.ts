import { execFileSync, spawnSync } from 'node:child_process';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { CONTENT_TYPES, negotiate, render, type Series } from '../src/internal.js';
import { manualLens, samples } from './helpers.js';

function busyLens() {
  const { lens, clock } = manualLens({
    constLabels: { worker_id: 'w"1\\\n' },
    buckets: { timeToFirstToken: [0.1, 1, 10] },
  });
  for (const [model, reason] of [
    ['llama "3"\n8b\\x', 'stop'],
    ['mistral', 'length'],
  ] as const) {
    const r = lens.request({ model, time: clock.t });
    r.queued(clock.t);
    r.started(clock.t + 10);
    r.firstToken(1, clock.t + 250);
    r.tokens(3, clock.t + 270);
    r.finish({ finishReason: reason, promptTokens: 17, cachedTokens: 5 }, clock.t + 300);
  }
  lens.request({ model: 'mistral' }).fail('oom');
  lens.series('kvCacheUsage', { model_name: 'mistral' }).set(0.42);
  return lens;
}

describe('negotiate', () => {
  it('picks OpenMetrics for what Prometheus sends and text for everything else', () => {
    const prometheus2 =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    expect(negotiate(prometheus2)).toBe('openmetrics');
    expect(negotiate('application/openmetrics-text; version=1.0.0; charset=utf-8')).toBe(
      'openmetrics',
    );
    expect(negotiate(undefined)).toBe('prometheus');
    expect(negotiate('')).toBe('prometheus');
    expect(negotiate('*/*')).toBe('prometheus');
    expect(negotiate('text/plain;version=0.0.4')).toBe('prometheus');
    expect(negotiate('application/openmetrics-text;version=0.0.1')).toBe('prometheus');
    expect(negotiate('text/plain, application/openmetrics-text;q=0.5')).toBe('prometheus');
    expect(negotiate('application/openmetrics-text;q=0')).toBe('prometheus');
  });
});

describe('render', () => {
  it('escapes label values and help text', () => {
    const text = busyLens().render();
    expect(text).toContain('model_name="llama \\"3\\"\\n8b\\\\x"');
    expect(text).toContain('worker_id="w\\"1\\\\\\n"');
    expect(text.split('\n').every((l) => !l.includes('\r'))).toBe(true);
  });

  it('writes cumulative buckets ending in +Inf equal to _count', () => {
    const s = samples(busyLens().render());
    const base = 'model_name="mistral",engine="test-engine",worker_id="w\\"1\\\\\\n"';
    expect(s.get(`llm_time_to_first_token_seconds_bucket{${base},le="0.1"}`)).toBe(0);
    expect(s.get(`llm_time_to_first_token_seconds_bucket{${base},le="1"}`)).toBe(1);
    expect(s.get(`llm_time_to_first_token_seconds_bucket{${base},le="+Inf"}`)).toBe(1);
    expect(s.get(`llm_time_to_first_token_seconds_count{${base}}`)).toBe(1);
    expect(s.get(`llm_time_to_first_token_seconds_sum{${base}}`)).toBeCloseTo(0.25, 12);
    expect(
      s.get(`llm_requests_total{${base.replace(',worker', ',finish_reason="error",worker')}}`),
    ).toBe(1);
  });

  it('writes OpenMetrics with counter families without _total, units, canonical le and # EOF', () => {
    const text = busyLens().render('openmetrics');
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text.match(/# EOF/g)).toHaveLength(1);
    expect(text).toContain('# TYPE llm_requests counter\n');
    expect(text).toContain('# TYPE llm_prompt_tokens counter\n# UNIT llm_prompt_tokens tokens\n');
    expect(text).toContain('# UNIT llm_time_to_first_token_seconds seconds\n');
    expect(text).toMatch(/llm_time_to_first_token_seconds_bucket\{[^}]*le="1\.0"\} 1\n/);
    expect(text).toContain('llm_requests_total{');
  });

  it('round-trips counters and gauges through an independent parser with every value intact', () => {
    // parse-prometheus-text-format loses the labels of histogram series, so histograms are
    // round-tripped through a real Prometheus server instead (test/prometheus-scrape.test.ts).
    const lens = busyLens();
    type Parsed = {
      name: string;
      type: string;
      metrics: { labels?: Record<string, string>; value?: string }[];
    };
    const families = parsePrometheusTextFormat(lens.render()) as Parsed[];
    const byName = new Map(families.map((f) => [f.name, f]));
    const requests = byName.get('llm_requests_total')!;
    expect(requests.type).toBe('COUNTER');
    const stop = requests.metrics.find((m) => m.labels?.finish_reason === 'stop')!;
    expect(stop.labels).toEqual({
      model_name: 'llama "3"\n8b\\x',
      engine: 'test-engine',
      finish_reason: 'stop',
      worker_id: 'w"1\\\n',
    });
    expect(stop.value).toBe('1');
    const kv = byName.get('llm_kv_cache_usage_ratio')!;
    expect(kv.type).toBe('GAUGE');
    expect(kv.metrics.map((m) => Number(m.value))).toEqual([0.42]);
    // Every family comes back with its type and as many series as the store holds.
    for (const family of lens.store.families()) {
      if (family.size === 0) continue;
      const parsed = byName.get(family.def.prometheus);
      expect(parsed?.type, family.id).toBe(family.def.kind.toUpperCase());
      if (family.def.kind === 'histogram' || family.def.kind === 'summary') continue;
      expect(parsed?.metrics.length, family.id).toBe(family.size);
      const all = [...(family.all() as Iterable<Series>)];
      const total = all.reduce((a, s) => a + ('value' in s ? s.value : 0), 0);
      expect(
        parsed!.metrics.reduce((a, m) => a + Number(m.value), 0),
        family.id,
      ).toBeCloseTo(total, 12);
    }
  });

  it('renders an empty store as nothing (and OpenMetrics as just # EOF)', () => {
    const { lens } = manualLens();
    expect(render(lens.store).includes('llm_')).toBe(false);
    expect(render(lens.store, 'openmetrics').endsWith('# EOF\n')).toBe(true);
  });

  it('scrape() answers in the negotiated format with its content type', async () => {
    const lens = busyLens();
    const om = await lens.scrape('application/openmetrics-text; version=1.0.0');
    expect(om.contentType).toBe(CONTENT_TYPES.openmetrics);
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    const text = await lens.scrape('text/plain');
    expect(text.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});

const promtool = spawnSync('promtool', ['--version']).status === 0;

describe('promtool check metrics (Debian prometheus, installed by .ci/run)', () => {
  it('has promtool on this machine', () => {
    // CI installs it; a developer without it gets a clear failure rather than a silent skip.
    expect(promtool, 'install Debian `prometheus` (bash scripts/system-deps.sh)').toBe(true);
  });

  it('accepts our text exposition without a single lint problem', () => {
    const text = busyLens().render();
    const out = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(out).toBe('');
  });

  it('reports a deliberately broken exposition (the check can fail)', () => {
    const broken = '# TYPE llm_x counter\nllm_x{a="1" 2\n';
    const res = spawnSync('promtool', ['check', 'metrics'], { input: broken, encoding: 'utf8' });
    expect(res.status).not.toBe(0);
  });
});

describe('mirrored series', () => {
  it('render under the same HELP/TYPE block, with their own buckets and the constant labels', () => {
    const lens = busyLens();
    const detach = lens.store.addMirror({
      mirrored: (id) =>
        id === 'timeToFirstToken'
          ? [
              {
                labels: [
                  ['model_name', 'qwen'],
                  ['engine', 'vllm'],
                  ['target', '10.0.0.5:8000'],
                  ['dp_rank', '0'],
                ],
                value: { bounds: [0.5, 5], cumulative: [3, 4, 4], sum: 2.5, count: 4 },
              },
              // Wrong shape for the family (a number on a histogram) and a truncated histogram: skipped.
              { labels: [['model_name', 'bad']], value: 7 },
              {
                labels: [['model_name', 'bad']],
                value: { bounds: [1], cumulative: [1], sum: 1, count: 1 },
              },
            ]
          : id === 'requestsRunning'
            ? [
                {
                  labels: [
                    ['model_name', 'qwen'],
                    ['engine', 'vllm'],
                  ],
                  value: 3,
                },
              ]
            : undefined,
    });
    const text = lens.render();
    expect(text.match(/# TYPE llm_time_to_first_token_seconds histogram/g)).toHaveLength(1);
    const w = 'worker_id="w\\"1\\\\\\n"';
    const q = `model_name="qwen",engine="vllm",target="10.0.0.5:8000",dp_rank="0",${w}`;
    expect(text).toContain(`llm_time_to_first_token_seconds_bucket{${q},le="0.5"} 3\n`);
    expect(text).toContain(`llm_time_to_first_token_seconds_bucket{${q},le="+Inf"} 4\n`);
    expect(text).toContain(`llm_time_to_first_token_seconds_count{${q}} 4\n`);
    expect(text).toContain(`llm_requests_running{model_name="qwen",engine="vllm",${w}} 3\n`);
    expect(text).not.toContain('model_name="bad"');
    const out = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(out).toBe('');
    detach();
    expect(lens.render()).not.toContain('qwen');
  });

  it('a source that throws shows nothing and is counted', () => {
    const { lens } = manualLens();
    lens.store.addMirror({
      mirrored: () => {
        throw new Error('bug');
      },
    });
    expect(() => lens.render()).not.toThrow();
    expect(lens.store.family('eventsDropped').series(['listener_error']).value).toBeGreaterThan(0);
  });

  it('several stores render as one exposition, one block per metric', () => {
    const a = busyLens();
    const { lens: b } = manualLens({ constLabels: { vantage: 'gateway' } });
    b.request({ model: 'm' }).finish();
    const text = render([a.store, b.store]);
    expect(text.match(/# TYPE llm_requests_total counter/g)).toHaveLength(1);
    expect(text).toContain('vantage="gateway"');
    const out = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(out).toBe('');
  });
});
