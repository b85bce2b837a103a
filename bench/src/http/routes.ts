/** What the bench servers' routes send, shared by server.ts and the report. */

/** Events per SSE response. */
export const SSE_EVENTS = 50;

/**
 * What the `calibration` variant adds to the empty middleware: this many nanoseconds of pure CPU
 * per request (no allocation, no I/O). Read beside inferlens in the same run, it shows what a
 * known cost looks like through the bench: on this two-core machine the socket measure has read
 * 300 ns as anything from +0.8 to +5.9 points of bare, depending on the framework and the run.
 */
export const CALIBRATION_NS = 300;

/** Keeps the CPU busy for `ns` nanoseconds (to within one clock read, about 40 ns here). */
export function spin(ns: number): void {
  const until = performance.now() + ns / 1e6;
  while (performance.now() < until);
}
