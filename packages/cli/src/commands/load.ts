import { fetchText } from '@inferlens/engine-source/internal';
import { clientStats, compare } from '../load/compare.js';
import { runLoad } from '../load/run.js';
import { moved, readServer, type ServerView } from '../load/server.js';
import { authHeader } from '../scrape.js';
import {
  colors as c,
  duration,
  EXIT,
  Progress,
  parseDuration,
  printable,
  table,
  UsageError,
} from '../ui.js';
import { print } from './check.js';

export interface LoadFlags {
  model?: string;
  rate?: string;
  concurrency?: string;
  duration?: string;
  requests?: string;
  stream: boolean;
  abortRatio: string;
  maxTokens: string;
  sharedPrefix: string;
  timeout: string;
  auth?: string;
  metrics?: string;
  json?: boolean;
}

const MAX_REQUESTS = 100_000;
const MAX_SECONDS = 3600;

function number(
  text: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${flag}: "${text}" must be a number from ${min} to ${max}`);
  return n;
}

/** `inferlens load`: drives the server, then shows what its /metrics say next to what the client saw. */
export async function runLoadCommand(base: string, flags: LoadFlags): Promise<number> {
  const { url, headers, options } = loadOptions(base, flags);
  const metricsAt = flags.metrics ?? `${url}/metrics`;
  const readMetrics = async (): Promise<ServerView | undefined> => {
    const res = await fetchText(metricsAt, { timeoutMs: 10_000, maxBytes: 32 << 20, headers });
    return res.ok ? readServer(res.text) : undefined;
  };
  const model = flags.model ?? (await firstModel(url, headers));
  const before = await readMetrics();
  const progress = new Progress();
  let line = 'starting…';
  progress.start(() => line, 0);
  const result = await runLoad({
    ...options,
    model,
    onProgress: (p) => {
      line = `${p.elapsed.toFixed(1)} s  sent ${p.sent}  done ${p.done}  in flight ${p.inFlight}  failed ${p.errors}`;
    },
  }).finally(() => progress.stop());
  const stats = clientStats(result);
  if (stats.errors === stats.sent)
    throw new UsageError(`every request failed: ${result.firstError ?? 'no answer'}`);
  const after = before && (await settled(before, readMetrics, stats.sent - stats.errors));
  const delta = before && after ? moved(before, after) : undefined;
  const rows = compare(stats, delta, result.shared);
  if (flags.json) {
    const report = { url, model, engine: after?.engine, seconds: result.seconds, client: stats };
    print(JSON.stringify({ ...report, server: delta, rows }, null, 2));
  } else print(loadReport({ url, model, metricsAt, options, result, stats, after, rows }));
  return rows.some((r) => r.disagreement) ? EXIT.problems : EXIT.ok;
}

/** The run's settings from the flags; a bad flag is a usage error naming it. */
function loadOptions(base: string, flags: LoadFlags) {
  const url = base.replace(/\/+$/, '').replace(/\/v1$/, '');
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`"${base}" is not an http(s) base URL`);
  const authorization = authHeader(flags.auth ?? process.env.INFERLENS_AUTH);
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const timeoutMs = parseDuration(flags.timeout, '--timeout') * 1000;
  const requests = number(flags.requests, '--requests', 1, MAX_REQUESTS);
  const durationSeconds =
    flags.duration === undefined ? undefined : parseDuration(flags.duration, '--duration');
  if (durationSeconds !== undefined && durationSeconds > MAX_SECONDS)
    throw new UsageError(`--duration: at most ${MAX_SECONDS} s`);
  const options = {
    url,
    rate: number(flags.rate, '--rate', 0.01, 10_000),
    // Closed loop: 8 workers; at a --rate, a cap high enough not to hold the rate back.
    concurrency: number(flags.concurrency ?? (flags.rate ? '256' : '8'), '--concurrency', 1, 1024)!,
    requests: requests ?? (durationSeconds === undefined ? 100 : undefined),
    durationSeconds,
    stream: flags.stream,
    abortRatio: number(flags.abortRatio, '--abort-ratio', 0, 1)!,
    maxTokens: number(flags.maxTokens, '--max-tokens', 1, 100_000)!,
    sharedShare: number(flags.sharedPrefix, '--shared-prefix', 0, 1)!,
    timeoutMs,
    headers,
  };
  return { url, headers, options };
}

/**
 * The server's /metrics once its request counter has taken in the `answered` requests, read up to
 * six times: engines' counters move when a request ends and gateways mirror on a timer.
 */
async function settled(
  before: ServerView,
  read: () => Promise<ServerView | undefined>,
  answered: number,
): Promise<ServerView | undefined> {
  let after: ServerView | undefined;
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, i === 0 ? 300 : 1000));
    after = await read();
    const counted = (after?.counters.requests ?? 0) - (before.counters.requests ?? 0);
    if (counted >= answered) break;
  }
  return after;
}

/** The terminal report: what was sent, the server, client latency, and the side-by-side table. */
function loadReport(run: {
  url: string;
  model: string | undefined;
  metricsAt: string;
  options: ReturnType<typeof loadOptions>['options'];
  result: Awaited<ReturnType<typeof runLoad>>;
  stats: ReturnType<typeof clientStats>;
  after: ServerView | undefined;
  rows: ReturnType<typeof compare>;
}): string {
  const { url, model, metricsAt, options, result, stats, after, rows } = run;
  // Requests sent per second while sending: the first goes at 0 s, so n requests span n − 1 gaps.
  const sendRate =
    stats.sent > 1 && result.sendingSeconds > 0
      ? (stats.sent - 1) / result.sendingSeconds
      : stats.sent;
  // What the server wrote (its engine label, its error bodies) reaches the terminal made safe.
  const shown = printable({ engine: after?.engine, firstError: result.firstError, rows });
  const held = !options.rate || sendRate >= options.rate * 0.9;
  const why =
    result.peakInFlight >= options.concurrency
      ? `${options.concurrency} requests were in flight at once (raise --concurrency)`
      : 'the client could not send faster';
  const mark = (r: (typeof shown.rows)[number]) =>
    r.disagreement
      ? c.red('✗ disagree')
      : r.server.startsWith('–') || r.client.startsWith('–')
        ? ''
        : c.green('✓');
  const disagreements = shown.rows.filter((r) => r.disagreement);
  return [
    `${c.bold('inferlens load')} ${url}${model ? ` (model ${printable(model)})` : ''}: ${stats.sent} requests in ${duration(result.seconds)}, sent at ${sendRate.toFixed(1)}/s`,
    `server: ${shown.engine ?? `no /metrics at ${metricsAt}: client side only`}`,
    ...(held
      ? []
      : [
          c.yellow(`the rate of ${options.rate}/s was not held (${sendRate.toFixed(1)}/s): ${why}`),
        ]),
    `client e2e p50 ${duration(stats.e2e.p50)}, p99 ${duration(stats.e2e.p99)}${shown.firstError ? `; first failure: ${shown.firstError}` : ''}`,
    '',
    ...table([
      ['', 'client measured', 'server /metrics moved', ''],
      ...shown.rows.map((r) => [r.what, r.client, r.server, mark(r)]),
    ]),
    '',
    ...(disagreements.length
      ? disagreements.map((r) => c.red(`✗ ${r.disagreement}`))
      : [c.green('client and server agree')]),
  ].join('\n');
}

async function firstModel(
  url: string,
  headers: Record<string, string>,
): Promise<string | undefined> {
  const res = await fetchText(`${url}/v1/models`, {
    timeoutMs: 5000,
    maxBytes: 1024 * 1024,
    headers,
  });
  if (!res.ok) {
    if (res.reason === 'unreachable' || res.reason === 'timeout')
      throw new UsageError(`${url}: ${res.reason}: ${res.message}`);
    return undefined;
  }
  try {
    const id = (JSON.parse(res.text) as { data?: { id?: unknown }[] }).data?.[0]?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
