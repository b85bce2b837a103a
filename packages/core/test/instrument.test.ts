import { EventEmitter } from 'node:events';
import { EventEmitter as EventEmitter3 } from 'eventemitter3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENGINE_EVENTS, type EventSource, instrument } from '../src/internal.js';
import { manualLens } from './helpers.js';

const dropped = (lens: ReturnType<typeof manualLens>['lens'], reason: string) =>
  lens.store.family('eventsDropped').series([reason]).value;

describe('instrument', () => {
  type TestEmitter = EventSource & {
    emit(name: string, payload: unknown): unknown;
    listenerCount(name: string): number;
  };
  const emitters: [string, () => TestEmitter][] = [
    ['node:events', () => new EventEmitter()],
    ['eventemitter3', () => new EventEmitter3()],
  ];
  for (const [name, create] of emitters) {
    it(`records a full lifecycle from ${name}`, () => {
      const { lens } = manualLens();
      const engine = create();
      const handle = instrument(engine, { lens, model: 'llama' });
      engine.emit('queued', { id: 'a', time: 0 });
      engine.emit('scheduled', { id: 'a', time: 100 });
      engine.emit('firstToken', { id: 'a', time: 300 });
      engine.emit('tokens', { id: 'a', count: 2, time: 320 });
      engine.emit('stats', { kvCacheUsage: 0.25, iterationTokens: 64, batchSize: 3 });
      expect(handle.inFlight).toBe(1);
      engine.emit('finished', { id: 'a', finishReason: 'stop', promptTokens: 9, time: 330 });
      expect(handle.inFlight).toBe(0);
      const h = lens.handles('llama');
      expect(h.timeToFirstToken.sum).toBeCloseTo(0.3, 12);
      expect(h.generationTokens.value).toBe(3);
      expect(h.kvCacheUsage.value).toBe(0.25);
      expect(h.iterationTokens.sum).toBe(64);
      expect(h.finished('stop').value).toBe(1);
      handle.stop();
      expect(engine.listenerCount('queued')).toBe(0);
    });
  }

  it('counts unknown ids, duplicates and malformed payloads, and skips them', () => {
    const { lens } = manualLens();
    const engine = new EventEmitter();
    instrument(engine, { lens });
    engine.emit('tokens', { id: 'ghost' });
    engine.emit('queued', { id: 1 });
    engine.emit('queued', { id: 1 });
    engine.emit('finished', { id: 1 });
    engine.emit('finished', { id: 1 });
    engine.emit('queued', null);
    engine.emit('queued', { id: { nested: true } });
    engine.emit('stats', 'nonsense');
    engine.emit('stats', { kvCacheUsage: 7 });
    expect(dropped(lens, 'unknown_id')).toBe(2);
    expect(dropped(lens, 'duplicate')).toBe(1);
    expect(dropped(lens, 'invalid_event')).toBe(3);
    expect(dropped(lens, 'invalid_value')).toBe(1);
    expect(lens.handles('unknown').finished('stop').value).toBe(1);
  });

  it('never throws into the engine, even when the payload getter throws', () => {
    const { lens } = manualLens();
    const engine = new EventEmitter();
    instrument(engine, { lens });
    const evil = {
      get id(): string {
        throw new Error('boom');
      },
    };
    expect(() => engine.emit('queued', evil)).not.toThrow();
    expect(dropped(lens, 'listener_error')).toBe(1);
  });

  it('maps custom event names and rejects unknown ones at setup', () => {
    const { lens } = manualLens();
    const engine = new EventEmitter();
    instrument(engine, { lens, eventNames: { queued: 'request:queued' } });
    engine.emit('request:queued', { id: 'x' });
    expect(lens.handles('unknown').requestsWaiting.value).toBe(1);
    expect(() => instrument(engine, { lens, eventNames: { nope: 'x' } as never })).toThrow(
      /^\[@inferlens\/core\] instrument: eventNames has unknown event "nope"/,
    );
    expect(() => instrument({} as never, { lens })).toThrow(/EventEmitter/);
  });

  it('ends requests still in flight when stopped', () => {
    const { lens } = manualLens();
    const engine = new EventEmitter();
    const handle = instrument(engine, { lens });
    engine.emit('queued', { id: 1 });
    engine.emit('queued', { id: 2 });
    engine.emit('scheduled', { id: 2 });
    handle.stop();
    const h = lens.handles('unknown');
    expect([h.requestsRunning.value, h.requestsWaiting.value]).toEqual([0, 0]);
    expect(dropped(lens, 'stopped')).toBe(2);
    engine.emit('finished', { id: 2 }); // no listener any more
    expect(h.finished('stop').value).toBe(0);
  });

  it('forgets ids of requests that expired', () => {
    const { lens, clock } = manualLens({ requestTimeoutMs: 100 });
    const engine = new EventEmitter();
    const handle = instrument(engine, { lens });
    engine.emit('queued', { id: 'slow' });
    clock.t = 1000;
    lens.expireIdle();
    expect(handle.inFlight).toBe(0);
    engine.emit('finished', { id: 'slow' });
    expect(dropped(lens, 'unknown_id')).toBe(1);
    lens.close();
  });

  it('survives any sequence of events: nothing escapes and in-flight gauges return to 0', () => {
    const names = ENGINE_EVENTS;
    const anyValue = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constant(undefined),
      fc.constant(null),
      fc.string({ maxLength: 3 }),
    );
    const event = fc.record({
      name: fc.constantFrom(...names),
      id: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(undefined), fc.constant('x')),
      model: fc.constantFrom('a', 'b', undefined),
      count: anyValue,
      time: fc.oneof(fc.constant(undefined), fc.double({ noNaN: false })),
      extra: anyValue,
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.boolean(), (events, endByExpiry) => {
        const { lens, clock } = manualLens({ requestTimeoutMs: 50 });
        const engine = new EventEmitter();
        const handle = instrument(engine, { lens });
        for (const e of events) {
          clock.t += 1;
          const payload =
            e.name === 'stats'
              ? {
                  model: e.model,
                  kvCacheUsage: e.extra,
                  iterationTokens: e.count,
                  batchSize: e.extra,
                }
              : {
                  id: e.id,
                  model: e.model,
                  count: e.count,
                  tokens: e.count,
                  time: e.time,
                  promptTokens: e.extra,
                  generationTokens: e.count,
                  finishReason: e.extra,
                  errorType: e.extra,
                };
          expect(() => engine.emit(e.name, payload)).not.toThrow();
        }
        if (endByExpiry) {
          clock.t += 1000;
          lens.expireIdle();
        } else handle.stop();
        expect(handle.inFlight).toBe(0);
        for (const model of ['a', 'b', 'unknown']) {
          const h = lens.handles(model);
          expect(h.requestsRunning.value).toBe(0);
          expect(h.requestsWaiting.value).toBe(0);
        }
        for (const s of lens.store.family('requestsRunning').all()) expect(s.value).toBe(0);
        expect(lens.activeRequests).toBe(0);
        expect(() => lens.render('openmetrics')).not.toThrow();
        lens.close();
      }),
      { numRuns: 400 },
    );
  });
});
