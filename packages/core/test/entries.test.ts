import { describe, expect, it } from 'vitest';
import * as pub from '../src/index.js';
import * as internal from '../src/internal.js';

describe('the two entry points', () => {
  it('the internal entry holds every public value, the same object', () => {
    const inner = new Map<string, unknown>(Object.entries(internal));
    const values = Object.entries(pub);
    expect(values.length).toBeGreaterThan(0);
    for (const [name, value] of values) expect(inner.get(name), name).toBe(value);
  });

  it('classes only core constructs are not public values', () => {
    for (const name of ['Lens', 'Store', 'Family', 'RequestTracker', 'StreamOutcome', 'render'])
      expect(Object.keys(pub)).not.toContain(name);
    expect(typeof internal.Store).toBe('function');
  });
});

describe('setupError', () => {
  it('names the package and the field', () => {
    expect(() => internal.setupError('vllm', 'intervalMs: must be positive')).toThrow(
      new TypeError('[@inferlens/vllm] intervalMs: must be positive'),
    );
    expect(() => internal.setupError('@inferlens/express', 'auth: give a token')).toThrow(
      /^\[@inferlens\/express\] auth: give a token$/,
    );
  });

  it('is what core throws for bad options', () => {
    expect(() => pub.createLens({ engine: 'x', requestTimeoutMs: -1 })).toThrow(
      /^\[@inferlens\/core\] requestTimeoutMs: /,
    );
  });
});
