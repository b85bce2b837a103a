import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLens, instrument } from '../src/index.js';

const trace = '4bf92f3577b34da6a3ce929d0e0e4736';

function run(options: Parameters<typeof createLens>[0], traceId?: string) {
  let t = 0;
  const lens = createLens({ ...options, clock: () => t });
  const r = lens.request({ model: 'm', traceId });
  t = 120;
  r.firstToken(1);
  for (let i = 0; i < 3; i++) {
    t += 20;
    r.tokens(1);
  }
  r.finish({ finishReason: 'stop' });
  return lens;
}

describe('exemplars (#11)', () => {
  it('come with the queued event through instrument()', () => {
    const lens = createLens({ engine: 'e', exemplars: true });
    const engine = new EventEmitter();
    instrument(engine, { lens, model: 'm' });
    engine.emit('queued', { id: 1, traceId: trace });
    engine.emit('firstToken', { id: 1 });
    engine.emit('finished', { id: 1, finishReason: 'stop' });
    expect(
      lens
        .render('openmetrics')
        .split('\n')
        .filter((l) => l.includes(trace)),
    ).toHaveLength(2);
  });

  it('are off by default: no exemplar kept, none rendered', () => {
    const lens = run({ engine: 'e' }, trace);
    expect(lens.handles('m').timeToFirstToken.exemplars).toBeUndefined();
    expect(lens.render('openmetrics')).not.toContain('trace_id');
  });

  it('put the request trace id on its TTFT and e2e buckets, in OpenMetrics only', () => {
    const lens = run({ engine: 'e', exemplars: true }, trace);
    const om = lens.render('openmetrics');
    const ttft = om
      .split('\n')
      .find(
        (l) => l.startsWith('llm_time_to_first_token_seconds_bucket') && l.includes('trace_id'),
      );
    expect(ttft).toMatch(
      new RegExp(
        `^llm_time_to_first_token_seconds_bucket\\{model_name="m",engine="e",le="0\\.25"\\} 1 # \\{trace_id="${trace}"\\} 0\\.12 \\d+(\\.\\d+)?$`,
      ),
    );
    expect(om).toMatch(
      new RegExp(
        `llm_e2e_request_latency_seconds_bucket\\{[^}]*\\} 1 # \\{trace_id="${trace}"\\} 0\\.18 `,
      ),
    );
    // Never on the per-token histograms, and never in the 0.0.4 text format.
    expect(om.split('\n').filter((l) => l.includes('trace_id'))).toHaveLength(2);
    expect(lens.render()).not.toContain('trace_id');
  });

  it('read the current trace when a request gives none, and skip ids that are not ids', () => {
    const ids = ['from-context', 'bad id"}'];
    const lens = run({ engine: 'e', exemplars: { traceId: () => ids.shift() } });
    expect(lens.render('openmetrics')).toContain('trace_id="from-context"');
    const bad = run({ engine: 'e', exemplars: true }, 'bad id"} 1');
    expect(bad.render('openmetrics')).not.toContain('trace_id');
    expect(bad.handles('m').timeToFirstToken.count).toBe(1);
    const throwing = run({
      engine: 'e',
      exemplars: {
        traceId: () => {
          throw new Error('no context');
        },
      },
    });
    expect(throwing.handles('m').e2eRequestLatency.count).toBe(1);
    expect(() => createLens({ engine: 'e', exemplars: 'yes' as never })).toThrow(/exemplars/);
  });
});
