import { describe, expect, it, vi } from 'vitest';
import { manualLens } from './helpers.js';

describe('RequestTracker', () => {
  it('records every phase with vLLM semantics', () => {
    const { lens, clock } = manualLens();
    const h = lens.handles('llama');
    const r = lens.request({ model: 'llama' }); // arrival at 0
    r.queued(10);
    expect(h.requestsWaiting.value).toBe(1);
    r.started(110);
    expect(h.requestsWaiting.value).toBe(0);
    expect(h.requestsRunning.value).toBe(1);
    r.firstToken(1, 310);
    r.tokens(1, 330);
    r.tokens(1, 350);
    clock.t = 360;
    r.finish({ finishReason: 'length', promptTokens: 100, cachedTokens: 40 });
    expect(h.requestsRunning.value).toBe(0);
    expect(h.requestQueueTime.sum).toBeCloseTo(0.1, 12);
    expect(h.timeToFirstToken.sum).toBeCloseTo(0.31, 12);
    expect(h.requestPrefillTime.sum).toBeCloseTo(0.2, 12);
    expect(h.interTokenLatency.count).toBe(2);
    expect(h.interTokenLatency.sum).toBeCloseTo(0.04, 12);
    expect(h.e2eRequestLatency.sum).toBeCloseTo(0.36, 12);
    expect(h.requestDecodeTime.sum).toBeCloseTo(0.04, 12);
    expect(h.requestInferenceTime.sum).toBeCloseTo(0.24, 12);
    expect(h.timePerOutputToken.sum).toBeCloseTo(0.025, 12);
    expect(h.generationTokens.value).toBe(3);
    expect(h.requestGenerationTokens.sum).toBe(3);
    expect(h.promptTokens.value).toBe(100);
    expect(h.requestPromptTokens.sum).toBe(100);
    expect(h.promptTokensCached.value).toBe(40);
    expect(h.finished('length').value).toBe(1);
    expect(lens.activeRequests).toBe(0);
  });

  it('counts ITL per output, not per token, as vLLM does', () => {
    const { lens } = manualLens();
    const h = lens.handles('m');
    const r = lens.request({ model: 'm', time: 0 });
    r.tokens(4, 100); // first output carries 4 tokens: TTFT, no ITL
    r.tokens(4, 120);
    r.finish({}, 130);
    expect(h.timeToFirstToken.count).toBe(1);
    expect(h.interTokenLatency.count).toBe(1);
    expect(h.generationTokens.value).toBe(8);
    // TPOT = (e2e - ttft) / (tokens - 1) = (0.13 - 0.1) / 7
    expect(h.timePerOutputToken.sum).toBeCloseTo(0.03 / 7, 12);
  });

  it('moves a preempted request back to waiting and resumes decode when rescheduled', () => {
    const { lens } = manualLens();
    const h = lens.handles('m');
    const r = lens.request({ model: 'm', time: 0 });
    r.queued(0);
    r.started(10);
    r.firstToken(1, 20);
    r.preempted(30);
    expect([h.requestsRunning.value, h.requestsWaiting.value, h.preemptions.value]).toEqual([
      0, 1, 1,
    ]);
    r.started(50);
    expect([h.requestsRunning.value, h.requestsWaiting.value]).toEqual([1, 0]);
    expect(h.requestQueueTime.count).toBe(1); // queue time is first scheduling only
    r.tokens(1, 60);
    expect(h.interTokenLatency.sum).toBeCloseTo(0.04, 12); // the stall shows in ITL
    r.finish({}, 60);
    expect([h.requestsRunning.value, h.requestsWaiting.value]).toEqual([0, 0]);
  });

  it('records failures and aborts once and only as such', () => {
    const { lens } = manualLens();
    const h = lens.handles('m');
    const a = lens.request({ model: 'm' });
    a.queued();
    a.fail('oom');
    a.fail('oom');
    a.finish();
    const b = lens.request({ model: 'm' });
    b.started();
    b.tokens(2);
    b.abort();
    b.abort();
    expect(h.finished('error').value).toBe(1);
    expect(h.errors('oom').value).toBe(1);
    expect(h.finished('abort').value).toBe(1);
    expect(h.finished('stop').value).toBe(0);
    expect(h.e2eRequestLatency.count).toBe(0);
    expect(h.generationTokens.value).toBe(2); // tokens produced before the abort still count
    expect(lens.store.family('eventsDropped').series(['after_end']).value).toBe(3);
    expect([h.requestsRunning.value, h.requestsWaiting.value]).toEqual([0, 0]);
  });

  it('skips out-of-order calls and bad numbers without throwing', () => {
    const { lens } = manualLens();
    const h = lens.handles('m');
    const r = lens.request({ model: 'm' });
    r.started(5);
    r.queued(6); // queued after scheduling
    r.started(7); // already running
    r.tokens(Number.NaN, 8);
    r.tokens(-3, 8);
    r.tokens(Number.POSITIVE_INFINITY, 8);
    r.preempted(9);
    r.preempted(10); // not running
    r.finish({ promptTokens: Number.NaN, generationTokens: -1 }, 11);
    const dropped = lens.store.family('eventsDropped');
    expect(dropped.series(['out_of_order']).value).toBe(3);
    // Three token counts, and the two bad counts finish() was given.
    expect(dropped.series(['invalid_value']).value).toBe(5);
    expect(h.promptTokens.value).toBe(0);
    expect([h.requestsRunning.value, h.requestsWaiting.value]).toEqual([0, 0]);
  });

  it('uses the engine-reported generation count when it exceeds the tokens seen', () => {
    const { lens } = manualLens();
    const h = lens.handles('m');
    const r = lens.request({ model: 'm', time: 0 });
    r.tokens(1, 10);
    r.finish({ generationTokens: 50 }, 100);
    expect(h.generationTokens.value).toBe(50);
    expect(h.requestGenerationTokens.sum).toBe(50);
  });

  it('expires requests that go quiet, so in-flight gauges come back to 0', () => {
    const { lens, clock } = manualLens({ requestTimeoutMs: 1000 });
    const h = lens.handles('m');
    const quiet = lens.request({ model: 'm' });
    quiet.queued();
    clock.t = 500;
    const busy = lens.request({ model: 'm' });
    busy.started();
    clock.t = 1200;
    busy.tokens(1);
    expect(lens.expireIdle()).toBe(1);
    expect(quiet.ended).toBe(true);
    expect(busy.ended).toBe(false);
    expect([h.requestsRunning.value, h.requestsWaiting.value]).toEqual([1, 0]);
    expect(lens.store.family('eventsDropped').series(['expired']).value).toBe(1);
    quiet.finish(); // a late end after expiry is skipped, not double counted
    expect(h.finished('stop').value).toBe(0);
    lens.close();
  });

  it('bounds live requests: past maxActiveRequests the oldest expire', () => {
    const { lens } = manualLens({ maxActiveRequests: 3 });
    const rs = Array.from({ length: 5 }, () => lens.request({ model: 'm' }));
    for (const r of rs) r.queued();
    expect(lens.activeRequests).toBe(3);
    expect(rs[0]!.ended && rs[1]!.ended).toBe(true);
    expect(lens.handles('m').requestsWaiting.value).toBe(3);
    lens.close();
  });

  it('rejects engine timestamps that are not on the lens clock, keeping sums sane', () => {
    const { lens } = manualLens();
    const h = lens.handles('m');
    const r = lens.request({ model: 'm', time: 1e300 }); // rejected: arrival is now (0)
    r.firstToken(1, Number.NaN);
    r.tokens(1, -1e12);
    r.finish({}, 5);
    expect(lens.store.family('eventsDropped').series(['invalid_value']).value).toBe(3);
    expect(h.timeToFirstToken.sum).toBe(0);
    expect(h.e2eRequestLatency.sum).toBeCloseTo(0.005, 12);
  });

  it('runs its expiry timer only while requests are live, and never after close()', () => {
    vi.useFakeTimers();
    try {
      const { lens } = manualLens({ requestTimeoutMs: 4000 });
      expect(vi.getTimerCount()).toBe(0);
      const r = lens.request({ model: 'm' });
      expect(vi.getTimerCount()).toBe(1);
      r.finish();
      vi.advanceTimersByTime(1000); // the sweep finds nothing live and stops
      expect(vi.getTimerCount()).toBe(0);
      lens.close();
      lens.request({ model: 'm' }).queued();
      expect(vi.getTimerCount()).toBe(0);
      expect(lens.expireIdle(10_000)).toBe(1); // idle requests still expire, at collection
    } finally {
      vi.useRealTimers();
    }
  });
});
