import { createLens } from '@inferlens/core';
import { describe, expect, it } from 'vitest';
import { manualLens } from '../../core/test/helpers.js';
import { HttpRecorder } from '../src/internal.js';
import { histogram, seriesOf, total } from './support/store.js';

interface Req {
  route?: string;
  tenant?: string;
  region?: string;
}

function setup(options: ConstructorParameters<typeof HttpRecorder<Req>>[1] = {}) {
  const { lens, clock } = manualLens();
  const recorder = new HttpRecorder<Req>('@inferlens/test', { lens, ...options }, (r) => r.route, [
    '/metrics',
  ]);
  return { lens, clock, recorder };
}

describe('HttpRecorder', () => {
  it('records counter, duration, TTFB, sizes and in-flight for one request', () => {
    const { lens, clock, recorder } = setup();
    const ex = recorder.begin('POST', '/v1/chat?stream=1', { route: '/v1/chat' })!;
    expect(total(lens, 'httpRequestsInFlight', { method: 'POST' })).toBe(1);
    ex.received(120);
    clock.t += 250;
    ex.sent(0); // an empty write is not the first byte
    clock.t += 50;
    ex.sent(10);
    clock.t += 700;
    ex.sent(30);
    ex.end(200, false);
    const labels = { method: 'POST', route: '/v1/chat', status: '200', outcome: 'completed' };
    expect(seriesOf(lens, 'httpRequests', labels)).toMatchObject([{ value: 1 }]);
    expect(histogram(lens, 'httpRequestDuration', labels)).toEqual({ count: 1, sum: 1 });
    expect(histogram(lens, 'httpTimeToFirstByte', { route: '/v1/chat' })).toEqual({
      count: 1,
      sum: 0.3,
    });
    expect(histogram(lens, 'httpRequestSize', { route: '/v1/chat' })).toEqual({
      count: 1,
      sum: 120,
    });
    expect(histogram(lens, 'httpResponseSize', { status: '200' })).toEqual({ count: 1, sum: 40 });
    expect(total(lens, 'httpRequestsInFlight')).toBe(0);
  });

  it('records an exchange once however often it is ended, and ignores bytes after the end', () => {
    const { lens, recorder } = setup();
    const ex = recorder.begin('GET', '/a', { route: '/a' })!;
    ex.end(200, false);
    ex.end(200, true);
    ex.end(500, false);
    ex.sent(100);
    expect(total(lens, 'httpRequests')).toBe(1);
    expect(total(lens, 'httpRequests', { outcome: 'completed' })).toBe(1);
    expect(histogram(lens, 'httpResponseSize').sum).toBe(0);
    expect(total(lens, 'httpRequestsInFlight')).toBe(0);
  });

  it('tells completed, aborted and error apart, with 499 for a client that left before the headers', () => {
    const { lens, recorder } = setup();
    const end = (status: number, aborted: boolean, failed = false) => {
      const ex = recorder.begin('GET', '/x', { route: '/x' })!;
      if (failed) ex.fail();
      ex.end(status, aborted);
    };
    end(0, true);
    end(200, true);
    end(503, false);
    end(200, false, true); // body stream broke after a good status
    end(400, false, true); // a thrown error the framework made a 4xx: the client's error
    end(404, false);
    const by = (status: string, outcome: string) =>
      total(lens, 'httpRequests', { status, outcome });
    expect(by('499', 'aborted')).toBe(1);
    expect(by('200', 'aborted')).toBe(1);
    expect(by('503', 'error')).toBe(1);
    expect(by('200', 'error')).toBe(1);
    expect(by('400', 'completed')).toBe(1);
    expect(by('404', 'completed')).toBe(1);
  });

  it('observes TTFB for a bodiless complete response at its end, and none for an abort before any byte', () => {
    const { lens, clock, recorder } = setup();
    const a = recorder.begin('HEAD', '/h', { route: '/h' })!;
    clock.t += 20;
    a.end(204, false);
    const b = recorder.begin('GET', '/h', { route: '/h' })!;
    clock.t += 20;
    b.end(0, true);
    expect(histogram(lens, 'httpTimeToFirstByte', { method: 'HEAD' })).toEqual({
      count: 1,
      sum: 0.02,
    });
    expect(histogram(lens, 'httpTimeToFirstByte', { method: 'GET' }).count).toBe(0);
  });

  it('groups statuses, drops or folds methods', () => {
    const grouped = setup({ groupStatus: true });
    for (const s of [200, 201, 204, 302, 404])
      grouped.recorder.begin('GET', '/', { route: '/' })!.end(s, false);
    expect(seriesOf(grouped.lens, 'httpRequests').map((s) => [s.labels.status, s.value])).toEqual([
      ['2xx', 3],
      ['3xx', 1],
      ['4xx', 1],
    ]);
    const noMethod = setup({ method: false });
    noMethod.recorder.begin('DELETE', '/', { route: '/' })!.end(200, false);
    expect(seriesOf(noMethod.lens, 'httpRequests')[0]!.labels.method).toBe('');
    expect(noMethod.lens.render()).toContain(
      'http_requests_total{route="/",status="200",outcome="completed"} 1',
    );
    const other = setup();
    other.recorder.begin('BREW', '/', { route: '/' })!.end(200, false);
    other.recorder.begin('PROPFIND', '/', { route: '/' })!.end(200, false);
    expect(seriesOf(other.lens, 'httpRequests')).toMatchObject([
      { labels: { method: '_OTHER' }, value: 2 },
    ]);
  });

  it('leaves out excluded paths entirely, by exact path, prefix, RegExp or function', () => {
    const { lens, recorder } = setup({
      exclude: ['/ping', '/static/*', /^\/internal\//g, '/v2/'],
    });
    for (const url of [
      '/metrics',
      '/metrics/',
      '/metrics?x=1',
      '/ping/',
      '/static/a.js',
      '/internal/a',
      '/internal/b',
      '/v2',
    ])
      expect(recorder.begin('GET', url, {}), url).toBeUndefined();
    expect(recorder.begin('GET', '/pings', {})).toBeDefined();
    expect(total(lens, 'httpRequestsInFlight')).toBe(1);
    const fn = setup({
      exclude: (p) => p.startsWith('/skip') || (p === '/boom' && JSON.parse('{')),
    });
    expect(fn.recorder.begin('GET', '/skip/1', {})).toBeUndefined();
    expect(fn.recorder.begin('GET', '/boom', {})).toBeDefined(); // a throwing predicate records
  });

  it('folds missing routes into #unmatched and routes past maxRoutes into #other', () => {
    const { lens, recorder } = setup({ maxRoutes: 3 });
    for (let i = 0; i < 50; i++)
      recorder.begin('GET', `/r${i}`, { route: `/r${i}/:id` })!.end(200, false);
    recorder.begin('GET', '/nope', {})!.end(404, false);
    recorder.begin('GET', '/r0', { route: '/r0/:id' })!.end(200, false);
    const routes = seriesOf(lens, 'httpRequests').map((s) => [s.labels.route, s.value]);
    expect(routes).toEqual([
      ['/r0/:id', 2],
      ['/r1/:id', 1],
      ['/r2/:id', 1],
      ['#other', 47],
      ['#unmatched', 1],
    ]);
  });

  it('prefers the adapter route, then the user route, then the framework route', () => {
    const { lens, recorder } = setup({
      route: (r) => (r.route === '/boom' ? JSON.parse('{') : r.route && `/user${r.route}`),
    });
    recorder.begin('GET', '/', { route: '/a' })!.end(200, false);
    const ex = recorder.begin('GET', '/', { route: '/a' })!;
    ex.route = '/adapter';
    ex.end(200, false);
    recorder.begin('GET', '/', { route: '/boom' })!.end(200, false);
    expect(seriesOf(lens, 'httpRequests').map((s) => s.labels.route)).toEqual([
      '/user/a',
      '/adapter',
      '/boom',
    ]);
    expect(lens.render()).toContain('inferlens_events_dropped_total{reason="listener_error"} 1');
  });

  it('fills custom labels from the request, bounded, and leaves them out when empty', () => {
    const { lens, recorder } = setup({
      labels: { tenant: (r) => (r.tenant === 'bad' ? JSON.parse('{') : r.tenant) },
      maxLabelValues: 2,
    });
    for (const tenant of ['acme', 'acme', 'globex', 'initech', 'umbrella', undefined, 'bad'])
      recorder.begin('GET', '/', { route: '/', tenant })!.end(200, false);
    expect(seriesOf(lens, 'httpRequests').map((s) => [s.labels.tenant, s.value])).toEqual([
      ['acme', 2],
      ['globex', 1],
      ['#other', 2],
      ['', 2],
    ]);
    expect(seriesOf(lens, 'httpTimeToFirstByte').map((s) => s.labels.tenant)).toEqual([
      'acme',
      'globex',
      '#other',
      '',
    ]);
    expect(lens.render()).toContain(
      'http_requests_total{method="GET",route="/",status="200",outcome="completed"} 2',
    );
    // Not on the in-flight gauge: the values are read when the request ends.
    expect(lens.store.family('httpRequestsInFlight').labelNames).not.toContain('tenant');
  });

  it('takes any number of custom labels, on a lens that declared them or not', () => {
    const declared = createLens({
      engine: 'x',
      extraLabels: { httpRequests: ['region', 'tenant'] },
    });
    for (const lens of [createLens({ engine: 'x' }), declared]) {
      const recorder = new HttpRecorder<Req>(
        '@inferlens/test',
        { lens, labels: { tenant: (r) => r.tenant, region: (r) => r.region } },
        (r) => r.route,
      );
      recorder.begin('POST', '/', { route: '/v1', tenant: 'acme', region: 'eu' })!.end(200, false);
      recorder.begin('POST', '/', { route: '/v1', region: 'us' })!.end(200, false);
      const text = lens.render();
      expect(text).toMatch(
        /^http_requests_total\{[^}]*outcome="completed",(region="eu",tenant="acme"|tenant="acme",region="eu")\} 1$/m,
      );
      expect(text).toMatch(/^http_requests_total\{[^}]*outcome="completed",region="us"\} 1$/m);
      expect(text).toMatch(
        /^http_time_to_first_byte_seconds_count\{method="POST",route="\/v1",tenant="acme",region="eu"\} 1$/m,
      );
    }
  });

  it('refuses custom labels a lens cannot take any more, at setup', () => {
    const lens = createLens({ engine: 'x' });
    new HttpRecorder<Req>('@inferlens/test', { lens }, (r) => r.route)
      .begin('GET', '/', {})!
      .end(200, false);
    expect(
      () =>
        new HttpRecorder<Req>(
          '@inferlens/test',
          { lens, labels: { tenant: (r) => r.tenant } },
          (r) => r.route,
        ),
    ).toThrow(/^\[@inferlens\/test\] labels: .*already has series.*extraLabels/);
  });

  it('records the opt-in duration summary with the same labels, over its window', () => {
    const { lens, clock, recorder } = setup({ summary: true, labels: { tenant: (r) => r.tenant } });
    for (const ms of [100, 200, 300, 400, 1000]) {
      const ex = recorder.begin('GET', '/', { route: '/q', tenant: 'acme' })!;
      clock.t += ms;
      ex.end(200, false);
    }
    const text = lens.render();
    const name = 'http_request_duration_quantiles_seconds';
    const labels = 'method="GET",route="/q",status="200",outcome="completed",tenant="acme"';
    expect(text).toContain(`${name}_count{${labels}} 5`);
    expect(text).toContain(`${name}_sum{${labels}} 2`);
    const p50 = Number(
      text.match(new RegExp(`^${name}\\{${labels},quantile="0.5"\\} (\\S+)$`, 'm'))?.[1],
    );
    expect(p50).toBeGreaterThan(0.3 * 0.98);
    expect(p50).toBeLessThan(0.3 * 1.02);
    // Off by default: the row stays empty.
    const plain = setup();
    plain.recorder.begin('GET', '/', { route: '/q' })!.end(200, false);
    expect(plain.lens.render()).not.toContain(name);
  });

  it('creates its lens with the summary window asked for, and checks it on a given lens', () => {
    const window = { quantiles: [0.5, 0.999], maxAgeSeconds: 60, ageBuckets: 3 };
    const made = new HttpRecorder<Req>('@inferlens/test', { summary: window }, (r) => r.route);
    expect(made.lens.store.family('httpRequestDurationSummary').summary).toMatchObject(window);
    expect(made.lens.store.family('httpRequestDurationSummary').limit).toBe(250);
    const lens = createLens({ engine: 'x' });
    expect(
      () => new HttpRecorder<Req>('@inferlens/test', { lens, summary: window }, (r) => r.route),
    ).toThrow(/^\[@inferlens\/test\] summary: this lens has another window/);
    expect(
      () =>
        new HttpRecorder<Req>('@inferlens/test', { summary: { quantiles: [2] } }, (r) => r.route),
    ).toThrow(/^\[@inferlens\/test\] summaries\.httpRequestDurationSummary\.quantiles/);
    expect(
      () => new HttpRecorder<Req>('@inferlens/test', { summary: 'yes' as never }, (r) => r.route),
    ).toThrow('[@inferlens/test] `summary` must be');
  });

  it('rejects bad options at setup with the package name', () => {
    const lens = createLens({ engine: 'x' });
    const make = (o: object) => () =>
      new HttpRecorder('@inferlens/test', { lens, ...o }, () => undefined);
    expect(make({ labels: { route: () => 'a' } })).toThrow(/^\[@inferlens\/test\] labels: .*route/);
    expect(make({ labels: { 'bad-name': () => 'a' } })).toThrow(
      /^\[@inferlens\/test\] labels: .*bad-name/,
    );
    expect(make({ labels: { tenant: 'a' } })).toThrow(
      '[@inferlens/test] labels.tenant: must be a function',
    );
    expect(make({ maxRoutes: 0 })).toThrow(
      '[@inferlens/test] maxRoutes: must be a positive integer',
    );
    expect(make({ maxLabelValues: 1.5 })).toThrow('maxLabelValues');
    expect(make({ exclude: '/x' })).toThrow('`exclude` must be');
    expect(make({ route: '/x' })).toThrow('`route` must be a function');
    expect(make({ buckets: { latency: [1] } })).toThrow('buckets.latency: unknown');
    expect(make({ buckets: [1, 2] })).toThrow('this lens has other bounds for httpRequestDuration');
    expect(make({ lens: {} })).toThrow('`lens` must be a lens');
  });

  it('creates its own lens with the buckets when none is given', () => {
    const recorder = new HttpRecorder(
      '@inferlens/test',
      { buckets: { duration: [0.1, 1], requestSize: [10] } },
      () => '/',
    );
    expect([...recorder.lens.store.family('httpRequestDuration').bounds]).toEqual([0.1, 1]);
    expect([...recorder.lens.store.family('httpRequestSize').bounds]).toEqual([10]);
    expect(() => new HttpRecorder('@inferlens/test', { buckets: [2, 1] }, () => '/')).toThrow(
      /^\[@inferlens\/test\] buckets\.httpRequestDuration: bounds must be strictly increasing/,
    );
    const same = createLens({
      engine: 'x',
      buckets: { httpRequestDuration: [1, 2], httpTimeToFirstByte: [1, 2] },
    });
    expect(
      new HttpRecorder('@inferlens/test', { lens: same, buckets: [1, 2] }, () => '/').lens,
    ).toBe(same);
  });

  it('never throws at run time, whatever the request looks like', () => {
    const { lens, recorder } = setup();
    const ex = recorder.begin(undefined, undefined, {})!;
    ex.sent(Number.NaN);
    ex.received(-5);
    ex.end(Number.NaN, false);
    expect(seriesOf(lens, 'httpRequests')).toMatchObject([
      { labels: { method: '_OTHER', status: '0', route: '#unmatched' } },
    ]);
  });
});
