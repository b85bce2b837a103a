import { setMaxListeners } from 'node:events';
import { mulberry32, type Random } from '@inferlens/testkit';

export interface LoadOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8787`. */
  url: string;
  model: string;
  concurrency: number;
  /** Requests per second across all clients; 0 sends back to back. */
  rps: number;
  seed: number;
}

export interface LoadStats {
  sent: number;
  completed: number;
  /** Requests the client gave up on part-way, on purpose. */
  abandoned: number;
  failed: number;
}

const SYSTEM_PROMPT =
  'You are a concise assistant for an inference team. Answer plainly and briefly.';
const WORDS = [
  'latency',
  'batch',
  'cache',
  'token',
  'queue',
  'GPU',
  'throughput',
  'prefill',
  'decode',
];
/** Share of requests a client abandons part-way, as impatient users do. */
const ABANDON_RATE = 0.05;
const STREAM_RATE = 0.85;

/**
 * A built-in load generator: `concurrency` clients sending real HTTP chat completions to the
 * server, mostly streamed, with prompts of 20 to 2,000 tokens and answers of 16 to 512, paced to
 * `rps`. Some clients hang up part-way so aborts show up in the metrics. Returns a stop function
 * that aborts what is in flight and resolves when every client has stopped.
 *
 * @example
 * const load = startLoad({ url, model: 'sim-llama-3-8b', concurrency: 6, rps: 4, seed: 1 });
 * await load.stop();
 */
export function startLoad(options: LoadOptions): { stats: LoadStats; stop: () => Promise<void> } {
  const stats: LoadStats = { sent: 0, completed: 0, abandoned: 0, failed: 0 };
  const stopping = new AbortController();
  // Every client listens to it while it sleeps and while its request is in flight.
  setMaxListeners(2 * options.concurrency + 10, stopping.signal);
  let nextSlot = performance.now();
  // One schedule shared by all clients turns the request rate into evenly spaced start times.
  const pace = async () => {
    if (options.rps <= 0) return;
    const slot = Math.max(nextSlot, performance.now());
    nextSlot = slot + 1000 / options.rps;
    await sleep(slot - performance.now(), stopping.signal);
  };
  const client = async (rng: Random) => {
    while (!stopping.signal.aborted) {
      await pace();
      if (stopping.signal.aborted) break;
      stats.sent++;
      try {
        const outcome = await oneRequest(options, rng, stopping.signal);
        stats[outcome]++;
      } catch {
        if (!stopping.signal.aborted) stats.failed++;
        await sleep(250, stopping.signal); // do not spin on a server that is down
      }
    }
  };
  const clients = Array.from({ length: options.concurrency }, (_, i) =>
    client(mulberry32(options.seed * 1000 + i)),
  );
  return {
    stats,
    stop: async () => {
      stopping.abort();
      await Promise.all(clients);
    },
  };
}

async function oneRequest(
  o: LoadOptions,
  rng: Random,
  stop: AbortSignal,
): Promise<'completed' | 'abandoned' | 'failed'> {
  const promptTokens = Math.round(logUniform(rng, 20, 2000));
  const stream = rng() < STREAM_RATE;
  const abandonAfter = rng() < ABANDON_RATE ? 1 + Math.floor(rng() * 20) : -1;
  const hangUp = new AbortController();
  // A non-streamed answer arrives whole, so its client hangs up after a while instead.
  const timer =
    !stream && abandonAfter > 0 ? setTimeout(() => hangUp.abort(), abandonAfter * 40) : undefined;
  try {
    const res = await fetch(`${o.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: o.model,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: words(rng, promptTokens) },
        ],
        max_tokens: Math.round(logUniform(rng, 16, 512)),
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      }),
      signal: AbortSignal.any([stop, hangUp.signal]),
    });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return 'failed';
    }
    if (!stream) return (await res.json()) ? 'completed' : 'failed';
    let events = 0;
    const decoder = new TextDecoder();
    for await (const bytes of res.body) {
      events += decoder.decode(bytes, { stream: true }).split('\n\n').length - 1;
      if (abandonAfter > 0 && events >= abandonAfter) {
        hangUp.abort(); // the server sees the socket close and aborts the generation
        return 'abandoned';
      }
    }
    return 'completed';
  } catch (error) {
    if (hangUp.signal.aborted && !stop.aborted) return 'abandoned';
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** About `tokens` tokens of text (four characters a token, as the engine counts). */
function words(rng: Random, tokens: number): string {
  let text = '';
  while (text.length < tokens * 4) text += `${WORDS[Math.floor(rng() * WORDS.length)]} `;
  return text;
}

function logUniform(rng: Random, min: number, max: number): number {
  return Math.exp(Math.log(min) + rng() * (Math.log(max) - Math.log(min)));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
