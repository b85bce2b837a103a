import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isMetricPrefix, metricIds, render, schema } from '../src/internal.js';
import { manualLens } from './helpers.js';

/** A lens with a counter, a gauge, histograms, a summary and a mirrored engine series. */
function mixedLens() {
  const { lens } = manualLens({ constLabels: { worker_id: 'w1' } });
  const r = lens.request({ model: 'llama', time: 0 });
  r.started(0);
  r.tokens(2, 100);
  r.finish({ finishReason: 'stop', promptTokens: 3 }, 200);
  lens.series('httpRequests', { method: 'GET', route: '/', status: '200' }).inc();
  lens.series('httpRequestDurationSummary', { method: 'GET' }).observe(0.2, 0);
  lens.store.addMirror({
    mirrored: (id) =>
      id === 'requestsWaiting' ? [{ labels: [['model_name', 'qwen']], value: 2 }] : undefined,
  });
  return lens;
}

/** The metric name each metadata and sample line starts with. */
function namesIn(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && l !== '# EOF')
    .map((l) => (l.startsWith('# ') ? l.split(' ')[2]! : /^[^{ ]+/.exec(l)![0]));
}

describe('render with a prefix', () => {
  it('puts it before every metric name in both formats, and promtool accepts the text', () => {
    const lens = mixedLens();
    const plain = lens.render();
    const text = lens.render('prometheus', { prefix: 'gw_' });
    const names = namesIn(text);
    expect(names.length).toBe(namesIn(plain).length);
    expect(names.every((n) => n.startsWith('gw_'))).toBe(true);
    // Nothing else changes: strip the prefix and it is the plain exposition.
    expect(text.replace(/^(# [A-Z]+ )?gw_/gm, '$1')).toBe(plain);
    for (const expected of [
      `gw_${schema.requests.prometheus}{`,
      `gw_${schema.timeToFirstToken.prometheus}_bucket{`,
      `gw_${schema.httpRequestDurationSummary.prometheus}_count{`,
      `gw_${schema.requestsWaiting.prometheus}{model_name="qwen",worker_id="w1"} 2`,
    ])
      expect(text).toContain(expected);
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe(
      '',
    );

    const om = lens.render('openmetrics', { prefix: 'gw:' });
    expect(namesIn(om).every((n) => n.startsWith('gw:'))).toBe(true);
    const counter = schema.requests.prometheus.replace(/_total$/, '');
    expect(om).toContain(`# TYPE gw:${counter} counter\n`);
    expect(om).toContain(`\ngw:${counter}_total{`);
    const ttft = schema.timeToFirstToken.prometheus;
    expect(om).toContain(`# UNIT gw:${ttft} seconds\n`);
  });

  it('prefixes only the metrics of prefixOnly when given', () => {
    const lens = mixedLens();
    const http = metricIds.filter((id) => id.startsWith('http'));
    const text = render(lens.store, 'prometheus', { prefix: 'api_', prefixOnly: http });
    expect(text).toContain(`# TYPE api_${schema.httpRequests.prometheus} counter\n`);
    expect(text).toContain(`\napi_${schema.httpRequestDurationSummary.prometheus}{`);
    expect(text).toContain(`\n${schema.requests.prometheus}{`);
    expect(text).not.toContain(`api_${schema.requests.prometheus}`);
  });

  it('scrape() takes the same options; an empty prefix changes nothing', async () => {
    const lens = mixedLens();
    const { body } = await lens.scrape('text/plain', { prefix: 'x_' });
    expect(namesIn(body).every((n) => n.startsWith('x_'))).toBe(true);
    expect(lens.render('prometheus', { prefix: '' })).toBe(lens.render());
  });

  it('rejects a prefix that cannot start a metric name, with the package name', () => {
    const lens = mixedLens();
    for (const bad of ['1x_', 'a-b', 'gw ', 'é_'])
      expect(() => lens.render('prometheus', { prefix: bad }), bad).toThrow(
        `[@inferlens/core] render: prefix ${JSON.stringify(bad)} must match [a-zA-Z_:][a-zA-Z0-9_:]*`,
      );
    expect(() => lens.render('prometheus', { prefix: 'a', prefixOnly: ['nope'] as never })).toThrow(
      /prefixOnly has unknown metric id "nope"/,
    );
    expect([
      isMetricPrefix('gw_'),
      isMetricPrefix(':a1'),
      isMetricPrefix('1a'),
      isMetricPrefix(''),
    ]).toEqual([true, true, false, false]);
  });
});

describe('lens.models()', () => {
  it('lists the models of the lens’s LLM series once each, sorted, without overflow or removed ones', () => {
    const { lens } = manualLens({ seriesLimit: { modelLoadTime: 2 } });
    expect(lens.models()).toEqual([]);
    lens.request({ model: 'mistral' }).finish();
    lens.request({ model: 'llama' }).fail('oom');
    lens.handles('qwen', 'other-engine').requestsRunning.set(1);
    lens.series('modelLoadTime', { model_name: 'phi' }).set(3);
    lens.series('modelLoadTime', { model_name: 'gemma' }).set(3);
    lens.series('modelLoadTime', { model_name: 'folded' }).set(3); // past the limit: overflow
    // An HTTP series is not an LLM series, whatever its labels say.
    lens.series('httpRequests', { route: 'not-a-model' }).inc();
    expect(lens.models()).toEqual(['gemma', 'llama', 'mistral', 'phi', 'qwen']);
    for (const family of lens.store.families())
      if (family.def.scope === 'llm') family.remove((values) => values[0] === 'llama');
    expect(lens.models()).toEqual(['gemma', 'mistral', 'phi', 'qwen']);
  });
});
