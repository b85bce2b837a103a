import { AsyncLocalStorage } from 'node:async_hooks';
import { createLens } from '@inferlens/core';
import {
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  trace,
} from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceIdFromActiveSpan } from '../src/index.js';

/** The smallest context manager (what @opentelemetry/context-async-hooks registers). */
class StorageContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const span = trace.wrapSpanContext({ traceId, spanId: '00f067aa0ba902b7', traceFlags: 1 });

describe('traceIdFromActiveSpan (#11)', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new StorageContextManager());
  });
  afterAll(() => context.disable());

  it('gives a request started inside a span its trace as the exemplar; none outside one', () => {
    const lens = createLens({ engine: 'e', exemplars: { traceId: traceIdFromActiveSpan } });
    expect(traceIdFromActiveSpan()).toBeUndefined();
    const r = context.with(trace.setSpan(context.active(), span), () => {
      expect(traceIdFromActiveSpan()).toBe(traceId);
      return lens.request({ model: 'm' });
    });
    r.firstToken(1);
    r.finish({});
    const outside = lens.request({ model: 'm' });
    outside.finish({});
    const lines = lens
      .render('openmetrics')
      .split('\n')
      .filter((l) => l.includes('trace_id'));
    expect(lines).toHaveLength(2); // TTFT and e2e of the traced request
    for (const l of lines) expect(l).toContain(`trace_id="${traceId}"`);
  });
});
