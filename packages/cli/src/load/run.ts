import { promptSource } from './prompts.js';
import { type ChatOutcome, sendChat } from './request.js';

export interface LoadOptions {
  url: string;
  model: string | undefined;
  /** Requests per second (open loop), or undefined for `concurrency` workers (closed loop). */
  rate: number | undefined;
  concurrency: number;
  /** Stop sending after this many seconds, or after `requests` requests, whichever first. */
  durationSeconds: number | undefined;
  requests: number | undefined;
  stream: boolean;
  abortRatio: number;
  maxTokens: number;
  sharedShare: number;
  timeoutMs: number;
  headers: Record<string, string>;
  onProgress?: (p: LoadProgress) => void;
}

export interface LoadProgress {
  elapsed: number;
  sent: number;
  done: number;
  inFlight: number;
  errors: number;
}

export interface LoadResult {
  outcomes: ChatOutcome[];
  shared: number;
  seconds: number;
  /** Seconds from the first request sent to the last: the rate achieved is sent / this. */
  sendingSeconds: number;
  /** Most requests in flight at once. */
  peakInFlight: number;
  firstError?: string;
}

/**
 * Drives chat completions at a rate or a concurrency until the duration or the request count is
 * reached, then waits for what is in flight (each request is bounded by its timeout).
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const next = promptSource({
    sharedShare: o.sharedShare,
    prefixes: 4,
    prefixWords: 120,
    promptWords: 24,
  });
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const outcomes: ChatOutcome[] = [];
  let sent = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let lastSentAt = 0;
  let shared = 0;
  let errors = 0;
  let firstError: string | undefined;
  const more = () =>
    (o.requests === undefined || sent < o.requests) &&
    (o.durationSeconds === undefined || elapsed() < o.durationSeconds);
  const one = async () => {
    sent++;
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    lastSentAt = elapsed();
    const prompt = next();
    if (prompt.shared) shared++;
    const abort = Math.random() < o.abortRatio;
    const outcome = await sendChat({
      url: o.url,
      model: o.model,
      messages: prompt.messages,
      maxTokens: o.maxTokens,
      // A client abort needs a stream to go away in the middle of.
      stream: o.stream || abort,
      abortAfterChunks: abort
        ? 1 + Math.floor(Math.random() * Math.max(1, o.maxTokens / 2))
        : undefined,
      timeoutMs: o.timeoutMs,
      headers: o.headers,
    });
    inFlight--;
    if (outcome.status === 'error') {
      errors++;
      firstError ??= outcome.error;
    }
    outcomes.push(outcome);
  };
  const timer = setInterval(
    () => o.onProgress?.({ elapsed: elapsed(), sent, done: outcomes.length, inFlight, errors }),
    250,
  );
  try {
    if (o.rate === undefined) {
      const worker = async () => {
        while (more()) await one();
      };
      await Promise.all(Array.from({ length: o.concurrency }, worker));
    } else {
      const pending = new Set<Promise<void>>();
      const gap = 1000 / o.rate;
      while (more()) {
        const due = started + sent * gap;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (!more()) break;
        // Past `concurrency` requests in flight the server is not keeping up: wait, do not pile on.
        if (pending.size >= o.concurrency) await Promise.race(pending);
        const p = one().finally(() => pending.delete(p));
        pending.add(p);
      }
      await Promise.all(pending);
    }
  } finally {
    clearInterval(timer);
  }
  return {
    outcomes,
    shared,
    seconds: elapsed(),
    sendingSeconds: lastSentAt,
    peakInFlight,
    ...(firstError ? { firstError } : {}),
  };
}
