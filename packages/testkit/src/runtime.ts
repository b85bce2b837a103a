import { setupError } from '@inferlens/core/internal';

/**
 * The few host globals the simulator needs, declared here so the package compiles without Node's
 * types and runs wherever timers and `performance.now()` exist (Node, Bun, Deno).
 */
declare const performance: { now(): number };
declare function setTimeout(fn: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function queueMicrotask(fn: () => void): void;

/** Milliseconds on the host's monotonic clock: the lens's default clock. */
export function hostNow(): number {
  return performance.now();
}

export function startTimer(fn: () => void, ms: number): unknown {
  return setTimeout(fn, ms);
}

export function stopTimer(handle: unknown): void {
  clearTimeout(handle);
}

/** Rethrows outside the current call stack, so a faulty listener surfaces as an uncaught error
 * without leaving the engine's step half done. */
export function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/** The part of `AbortSignal` the engine uses; a real `AbortSignal` fits. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Prefixes setup errors with the package name, as every inferlens package does. */
export function fail(message: string): never {
  return setupError('testkit', message);
}
