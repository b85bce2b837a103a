import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLens, Store, schema } from '../src/internal.js';

const requests = schema.httpRequests.prometheus;
const duration = schema.httpRequestDuration.prometheus;

describe('extraLabels (declared at setup)', () => {
  it('appends the names after the row labels and before the constant labels, in every format', () => {
    const lens = createLens({
      engine: 'e',
      constLabels: { worker_id: 'w1' },
      extraLabels: { httpRequests: ['tenant', 'plan'], httpRequestDuration: ['tenant'] },
    });
    const family = lens.store.family('httpRequests');
    const own = ['method', 'route', 'status', 'outcome', 'tenant', 'plan'];
    expect(family.ownLabelNames).toEqual(own);
    expect(family.labelNames).toEqual([...own, 'worker_id']);
    expect(family.extraLabelNames).toEqual(['tenant', 'plan']);
    // A family without extra labels is unchanged.
    expect(lens.store.family('httpTimeToFirstByte').labelNames).toEqual([
      'method',
      'route',
      'worker_id',
    ]);

    family.series(['GET', '/a', '200', 'completed', 'acme', 'pro']).inc(2);
    // An empty value stays absent, as for every label.
    family.series(['GET', '/a', '200', 'completed', '', 'free']).inc();
    lens.series('httpRequestDuration', { method: 'GET', route: '/a', tenant: 'acme' }).observe(0.2);

    const text = lens.render();
    expect(text).toContain(
      `${requests}{method="GET",route="/a",status="200",outcome="completed",tenant="acme",plan="pro",worker_id="w1"} 2\n`,
    );
    expect(text).toContain(
      `${requests}{method="GET",route="/a",status="200",outcome="completed",plan="free",worker_id="w1"} 1\n`,
    );
    expect(text).toContain(
      `${duration}_bucket{method="GET",route="/a",tenant="acme",worker_id="w1",le="0.25"} 1\n`,
    );
    expect(text).toContain(
      `${duration}_count{method="GET",route="/a",tenant="acme",worker_id="w1"} 1\n`,
    );
    expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).toBe(
      '',
    );

    const om = lens.render('openmetrics');
    expect(om).toContain(
      `${requests}{method="GET",route="/a",status="200",outcome="completed",tenant="acme",plan="pro",worker_id="w1"} 2\n`,
    );
    expect(om).toContain(
      `${duration}_bucket{method="GET",route="/a",tenant="acme",worker_id="w1",le="0.25"} 1\n`,
    );
  });

  it('rejects bad names loudly at setup, every problem in one message', () => {
    expect(() =>
      createLens({
        engine: 'e',
        constLabels: { worker_id: 'w1' },
        extraLabels: {
          httpRequests: [
            'bad-name',
            '__x',
            'le',
            'quantile',
            'otel_metric_overflow',
            'route',
            'worker_id',
            't',
            't',
          ],
        },
      }),
    ).toThrow(
      '[@inferlens/core] extraLabels.httpRequests: "bad-name" is not a valid label name; "__x" is not a valid label name; "le" is reserved by the exposition; "quantile" is reserved by the exposition; "otel_metric_overflow" is reserved by the exposition; "route" is already a label of this metric; "worker_id" is a constant label (constLabels); "t" is given twice',
    );
    expect(() => new Store({ extraLabels: { nope: ['x'] } } as never)).toThrow(
      /^\[@inferlens\/core\] extraLabels: unknown metric id "nope"/,
    );
    expect(() => new Store({ extraLabels: { httpRequests: 'tenant' } } as never)).toThrow(
      /^\[@inferlens\/core\] extraLabels\.httpRequests: give an array of label names/,
    );
    // LLM rows carry model_name and engine first; those are the row's labels too.
    expect(() => new Store({ extraLabels: { requests: ['engine'] } })).toThrow(
      /"engine" is already a label of this metric/,
    );
  });

  it('lens.series rejects a label the family does not have, extra labels included', () => {
    const lens = createLens({ engine: 'e', extraLabels: { httpRequests: ['tenant'] } });
    // @ts-expect-error tenant is declared for httpRequests only, and the types know it
    expect(() => lens.series('httpRequestSize', { tenant: 'x' })).toThrow(
      /unknown label "tenant"; it has method, route$/,
    );
  });
});

describe('Family.addLabels (at run time)', () => {
  it('adds names while the family has no series; they render like declared ones', () => {
    const lens = createLens({ engine: 'e' });
    const family = lens.store.family('httpRequests');
    family.addLabels(['tenant']);
    expect(family.labelNames).toEqual(['method', 'route', 'status', 'outcome', 'tenant']);
    family.series(['POST', '/v1', '200', 'completed', 'acme']).inc();
    expect(lens.render()).toContain(
      `${requests}{method="POST",route="/v1",status="200",outcome="completed",tenant="acme"} 1\n`,
    );
  });

  it('is idempotent for names it already has, even after series exist', () => {
    const lens = createLens({ engine: 'e', extraLabels: { httpRequests: ['tenant', 'plan'] } });
    const family = lens.store.family('httpRequests');
    family.addLabels(['tenant', 'plan']);
    family.addLabels(['plan']);
    expect(family.extraLabelNames).toEqual(['tenant', 'plan']);
    family.series(['GET', '/', '200', 'completed', 'a', 'b']).inc();
    expect(() => family.addLabels(['tenant', 'plan'])).not.toThrow();
    expect(family.extraLabelNames).toEqual(['tenant', 'plan']);
    // A mix of known and new names adds the new ones after the known ones.
    const ttfb = lens.store.family('httpTimeToFirstByte');
    ttfb.addLabels(['tenant']);
    ttfb.addLabels(['tenant', 'plan']);
    expect(ttfb.extraLabelNames).toEqual(['tenant', 'plan']);
  });

  it('throws once the family has a series (or only its overflow series), naming the family', () => {
    const lens = createLens({ engine: 'e' });
    const family = lens.store.family('httpRequests');
    family.series(['GET', '/', '200', 'completed']).inc();
    expect(() => family.addLabels(['tenant'])).toThrow(
      `[@inferlens/core] httpRequests.addLabels: ${requests} already has series, so it cannot take the labels tenant; declare extraLabels in createLens()`,
    );
    expect(family.labelNames).toEqual(['method', 'route', 'status', 'outcome']);

    const limited = createLens({ engine: 'e', seriesLimit: { httpRequestSize: 1 } });
    const size = limited.store.family('httpRequestSize');
    size.series(['GET', '/a']);
    size.series(['GET', '/b']); // past the limit: the overflow series
    expect(size.remove(() => true)).toBe(1);
    expect(() => size.addLabels(['tenant'])).toThrow(/already has series/);

    const ttfb = limited.store.family('httpTimeToFirstByte');
    ttfb.series(['GET', '/a']);
    expect(ttfb.remove(() => true)).toBe(1);
    ttfb.addLabels(['tenant']); // empty again: allowed
    expect(ttfb.labelNames).toEqual(['method', 'route', 'tenant']);
  });

  it('validates names as extraLabels does', () => {
    const lens = createLens({ engine: 'e', constLabels: { region: 'eu' } });
    const family = lens.store.family('httpRequestSize');
    expect(() => family.addLabels(['region', 'method', 'a-b'])).toThrow(
      '[@inferlens/core] httpRequestSize.addLabels: "region" is a constant label (constLabels); "method" is already a label of this metric; "a-b" is not a valid label name',
    );
    expect(() => family.addLabels('tenant' as never)).toThrow(/give an array of label names/);
    expect(family.labelNames).toEqual(['method', 'route', 'region']);
  });
});
