import { CONTENT_TYPES, schema } from '@inferlens/core/internal';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerLens, scrapeWith } from '../src/index.js';
import { parseSamples, parseTypes, promtool } from './exposition.js';
import { openMetricsRegistry, recordedLens } from './fixture.js';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('scrapeWith', () => {
  it('serves the lens and prom-client default metrics as one valid text exposition', async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const lens = recordedLens();
    const scrape = scrapeWith(lens, [registry]);
    const { contentType, body } = await scrape('text/plain');
    expect(contentType).toBe(CONTENT_TYPES.prometheus);
    const samples = parseSamples(body);
    expect([...samples.keys()].some((k) => k.startsWith('process_cpu_user_seconds_total{'))).toBe(
      true,
    );
    expect(
      [...samples.keys()].some((k) => k.startsWith('llm_time_to_first_token_seconds_bucket{')),
    ).toBe(true);
    expect(body.startsWith(lens.render())).toBe(true);
    parseTypes(body);
    // promtool parses the whole body; its only lint complaints are about prom-client's own
    // nodejs_active_*_total gauges (exit status 3 means lint findings, 1 a parse error).
    const check = promtool(body);
    expect(check.output).not.toMatch(/error/);
    const complaints = check.output.split('\n').filter(Boolean);
    for (const line of complaints) expect(line).toMatch(/^nodejs_active_\w+_total non-counter/);
  });

  it('prefixes the lens’s metric names when asked, and leaves the registries’ alone', async () => {
    const registry = new Registry();
    new Counter({ name: 'app_jobs_total', help: 'Jobs.', registers: [registry] }).inc();
    const lens = recordedLens();
    const { body } = await scrapeWith(lens, [registry])('text/plain', { prefix: 'gw_' });
    expect(body.startsWith(lens.render('prometheus', { prefix: 'gw_' }))).toBe(true);
    expect(body).toContain(`\ngw_${schema.requests.prometheus}{`);
    expect(body).toContain('\napp_jobs_total 1');
    expect(body).not.toContain('gw_app_jobs_total');
    expect(promtool(body)).toEqual({ status: 0, output: '' });
  });

  it('stitches OpenMetrics registries with one # EOF at the very end and no blank line', async () => {
    const registries = [1, 2].map(() => openMetricsRegistry());
    new Counter({ name: 'app_a_total', help: 'a', registers: [registries[0]!] }).inc(3);
    new Gauge({ name: 'app_b', help: 'b', registers: [registries[1]!] }).set(7);
    new Gauge({
      name: 'app_empty',
      help: 'no series',
      labelNames: ['x'],
      registers: [registries[1]!],
    });
    const scrape = scrapeWith(recordedLens(), registries);
    const { contentType, body } = await scrape(PROMETHEUS_ACCEPT);
    expect(contentType).toBe(CONTENT_TYPES.openmetrics);
    expect(body.match(/^# EOF$/gm)).toHaveLength(1);
    expect(body.endsWith('\n# EOF\n')).toBe(true);
    expect(body).not.toMatch(/\n\n/);
    const samples = parseSamples(body);
    expect(samples.get('app_a_total{}')).toBe(3);
    expect(samples.get('app_b{}')).toBe(7);
    expect(parseTypes(body).get('llm_requests')).toBe('counter');
  });

  it('answers in the registries’ format when they cannot write the one asked for', async () => {
    const text = scrapeWith(recordedLens(), new Registry());
    const fromText = await text(PROMETHEUS_ACCEPT);
    expect(fromText.contentType).toBe(CONTENT_TYPES.prometheus);
    expect(fromText.body).not.toContain('# EOF');
    const none = scrapeWith(recordedLens(), []);
    expect((await none(PROMETHEUS_ACCEPT)).contentType).toBe(CONTENT_TYPES.openmetrics);
    expect((await none(undefined)).contentType).toBe(CONTENT_TYPES.prometheus);
  });

  it('refuses name clashes at setup with a clear message', () => {
    const lens = recordedLens();
    const clashing = new Registry();
    new Gauge({ name: schema.kvCacheUsage.prometheus, help: 'mine', registers: [clashing] });
    expect(() => scrapeWith(lens, [clashing])).toThrow(
      /^\[@inferlens\/prom-client\] scrapeWith: metric names clash: registries\[0\] has "llm_kv_cache_usage_ratio"/,
    );
    const a = new Registry();
    const b = new Registry();
    new Counter({ name: 'app_x_total', help: 'x', registers: [a] });
    new Gauge({ name: 'app_x', help: 'x', registers: [b] });
    expect(() => scrapeWith(lens, [a, b])).toThrow(
      /registries\[1\] has "app_x", also in registries\[0\]/,
    );
    const bridged = new Registry();
    registerLens(lens, bridged);
    expect(() => scrapeWith(lens, bridged)).toThrow(/already shows the lens through registerLens/);
    expect(() => scrapeWith(lens, [new Registry(), openMetricsRegistry()])).toThrow(
      /must share one content type/,
    );
    expect(() => scrapeWith(lens, [{} as never])).toThrow(
      /registries\[0\] is not a prom-client Registry/,
    );
  });

  it('leaves out and counts a clashing metric registered after setup', async () => {
    const registry = new Registry();
    new Counter({ name: 'app_ok_total', help: 'ok', registers: [registry] }).inc();
    const scrape = scrapeWith(recordedLens(), registry);
    new Counter({ name: 'llm_preemptions', help: 'late', registers: [registry] }).inc(5);
    const { body } = await scrape();
    expect(parseTypes(body).get('llm_preemptions_total')).toBe('counter');
    expect(body).not.toContain('# HELP llm_preemptions late');
    expect(parseSamples(body).get('app_ok_total{}')).toBe(1);
    expect(
      parseSamples(body).get('inferlens_events_dropped_total{reason="name_clash",worker_id="w1"}'),
    ).toBe(1);
    expect(promtool(body).status).toBe(0);
  });

  it('never rejects: a failing registry is left out and counted', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'app_broken',
      help: 'collect throws',
      registers: [registry],
      collect() {
        throw new Error('boom');
      },
    });
    const lens = recordedLens();
    const { body } = await scrapeWith(lens, registry)();
    expect(body).not.toContain('app_broken');
    expect(
      parseSamples(body).get(
        'inferlens_events_dropped_total{reason="listener_error",worker_id="w1"}',
      ),
    ).toBe(1);
    expect(body).toContain('llm_requests_total');
  });
});
