import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { instrument } from '../src/index.js';
import { manualLens } from './helpers.js';

// A real engine (node-llama-cpp) showed that aborted and failed requests had already processed
// their prompt: without these counts llm_prompt_tokens_total is short by every aborted prompt.
describe('prompt usage of aborted and failed requests', () => {
  it('counts the prompt tokens an aborted or failed tracker carries', () => {
    const { lens } = manualLens();
    const h = lens.handles('m');
    const a = lens.request({ model: 'm' });
    a.queued();
    a.started();
    a.abort(undefined, { promptTokens: 30, cachedTokens: 10 });
    const f = lens.request({ model: 'm' });
    f.queued();
    f.fail('oom', undefined, { promptTokens: 5 });
    expect(h.promptTokens.value).toBe(35);
    expect(h.promptTokensCached.value).toBe(10);
    expect(h.requestPromptTokens.count).toBe(2);
    expect(h.finished('abort').value).toBe(1);
    expect(h.errors('oom').value).toBe(1);
  });

  it('takes them from aborted and failed events, and still accepts events without them', () => {
    const { lens } = manualLens();
    const engine = new EventEmitter();
    instrument(engine, { lens, model: 'm' });
    for (const id of ['a', 'b', 'c']) engine.emit('queued', { id });
    engine.emit('aborted', { id: 'a', promptTokens: 12, cachedTokens: 4 });
    engine.emit('failed', { id: 'b', errorType: 'disposed', promptTokens: 7 });
    engine.emit('aborted', { id: 'c' });
    const h = lens.handles('m');
    expect(h.promptTokens.value).toBe(19);
    expect(h.promptTokensCached.value).toBe(4);
    expect(h.finished('abort').value).toBe(2);
    expect(h.errors('disposed').value).toBe(1);
  });
});
