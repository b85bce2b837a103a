import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUT_MARKER, createLens, cutLabelValue } from '../src/internal.js';
import { manualLens, samples } from './helpers.js';

const utf8 = (s: string): number => new TextEncoder().encode(s).length;
const promtool = (text: string): string =>
  execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });

describe('cutLabelValue', () => {
  it('keeps values that fit and cuts longer ones to the byte bound, marker included', () => {
    expect(cutLabelValue('a'.repeat(256), 256)).toBe('a'.repeat(256));
    const cut = cutLabelValue('a'.repeat(257), 256);
    expect(cut.endsWith(CUT_MARKER)).toBe(true);
    expect(utf8(cut)).toBeLessThanOrEqual(256);
    expect(cut).toBe(`${'a'.repeat(248)}${CUT_MARKER}`);
  });

  it('never splits a surrogate pair and counts multi-byte characters as bytes', () => {
    const cut = cutLabelValue('😀'.repeat(100), 32);
    expect(cut).toBe(`${'😀'.repeat(6)}${CUT_MARKER}`);
    expect(cutLabelValue('é'.repeat(100), 16)).toBe(`éééé${CUT_MARKER}`);
  });

  it('for any string: within the bound, and a prefix of the value when cut', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.integer({ min: 16, max: 300 }),
        (v, max) => {
          const cut = cutLabelValue(v, max);
          if (utf8(v) <= max) expect(cut).toBe(v);
          else {
            expect(utf8(cut)).toBeLessThanOrEqual(max);
            expect(v.startsWith(cut.slice(0, -CUT_MARKER.length))).toBe(true);
          }
        },
      ),
    );
  });
});

describe('label values are bounded where series are created (issue #11)', () => {
  it('a 4 MB model name is cut, counted, and every scrape still renders the rest', () => {
    const { lens, clock } = manualLens();
    const ok = lens.request({ model: 'llama' });
    ok.queued();
    ok.started();
    ok.tokens(3);
    ok.finish({ promptTokens: 5 });
    const huge = 'm'.repeat(4 * 1024 * 1024);
    for (let i = 0; i < 3; i++) {
      const r = lens.request({ model: huge });
      r.queued();
      clock.t += 10;
      r.started();
      r.tokens(2);
      r.finish({ finishReason: `stop${huge}`, promptTokens: 5 });
    }
    const text = lens.render();
    expect(text.length).toBeLessThan(200_000);
    const s = samples(text);
    expect(
      s.get('llm_requests_total{model_name="llama",engine="test-engine",finish_reason="stop"}'),
    ).toBe(1);
    const cutModel = `${'m'.repeat(248)}${CUT_MARKER}`;
    expect(
      s.get(`llm_e2e_request_latency_seconds_count{model_name="${cutModel}",engine="test-engine"}`),
    ).toBe(3);
    expect(s.get('inferlens_events_dropped_total{reason="label_too_long"}')).toBeGreaterThanOrEqual(
      3,
    );
    expect(promtool(text)).toBe('');
    expect(lens.render('openmetrics').length).toBeLessThan(200_000);
  });

  it('series() cuts before keying, so values that differ past the bound share one series', () => {
    const lens = createLens({ engine: 'e', maxLabelValueBytes: 32 });
    const a = lens.series('requests', { model_name: `${'x'.repeat(40)}a`, finish_reason: 'stop' });
    const b = lens.series('requests', { model_name: `${'x'.repeat(40)}b`, finish_reason: 'stop' });
    expect(a).toBe(b);
    expect(a.labelValues[0]).toBe(`${'x'.repeat(24)}${CUT_MARKER}`);
    expect(lens.store.family('requests').size).toBe(1);
  });

  it('label values that are not strings never throw: numbers become text, others are counted', () => {
    const lens = createLens({ engine: 'e' });
    const f = lens.store.family('eventsDropped');
    const values = [
      Symbol('s'),
      {
        toString: () => {
          throw new Error('x');
        },
      },
      7n,
      3,
      null,
    ];
    for (const v of values) expect(() => f.series([v as unknown as string])).not.toThrow();
    expect(f.series(['3']).labelValues[0]).toBe('3');
    expect(
      samples(lens.render()).get('inferlens_events_dropped_total{reason="invalid_value"}'),
    ).toBe(2);
  });

  it('checks maxLabelValueBytes and maxScrapeLength at setup, naming the option', () => {
    expect(() => createLens({ engine: 'e', maxLabelValueBytes: 4 })).toThrow(
      /@inferlens\/core.*maxLabelValueBytes/,
    );
    expect(() => createLens({ engine: 'e', maxScrapeLength: 10 })).toThrow(/maxScrapeLength/);
  });
});

describe('a scrape never throws and stays within its length bound', () => {
  it('leaves out the families that would pass maxScrapeLength, whole, and says so', async () => {
    const lens = createLens({ engine: 'e', maxScrapeLength: 20_000 });
    for (let i = 0; i < 200; i++)
      lens.series('httpRequestDuration', { method: 'GET', route: `/r${i}` }).observe(0.1);
    lens
      .series('httpRequests', { method: 'GET', route: '/', status: '200', outcome: 'completed' })
      .inc();
    const { body } = await lens.scrape();
    expect(body.length).toBeLessThanOrEqual(20_000);
    expect(body).not.toContain('http_request_duration_seconds');
    expect(body).toContain(
      'http_requests_total{method="GET",route="/",status="200",outcome="completed"} 1',
    );
    expect(samples(body).get('inferlens_events_dropped_total{reason="scrape_too_large"}')).toBe(1);
    expect(promtool(body)).toBe('');
  });

  it('checks render({ maxLength }) like every option', () => {
    expect(() =>
      createLens({ engine: 'e' }).render('prometheus', { maxLength: 'big' as never }),
    ).toThrow(/maxLength/);
  });

  it('a family whose rendering throws is left out; the rest renders', () => {
    const lens = createLens({ engine: 'e' });
    lens.series('httpRequests', { method: 'GET', route: '/' }).inc();
    lens.store.addMirror({
      mirrored: (id) =>
        id === 'requestsRunning'
          ? [
              {
                labels: [['model_name', 'm']],
                get value(): number {
                  throw new RangeError('Invalid string length');
                },
              },
            ]
          : [],
    });
    const text = lens.render();
    expect(text).toContain('http_requests_total{method="GET",route="/"} 1');
    expect(text).not.toContain('llm_requests_running');
    expect(samples(text).get('inferlens_events_dropped_total{reason="scrape_too_large"}')).toBe(1);
  });
});
