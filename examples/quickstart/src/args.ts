import { parseArgs } from 'node:util';

export interface QuickstartArgs {
  port: number;
  host: string;
  /** Seconds until a clean exit; undefined runs until SIGINT/SIGTERM. */
  duration: number | undefined;
  model: string;
  load: boolean;
  /** Requests per second the load generator aims at; 0 sends as fast as its clients can. */
  rps: number;
  concurrency: number;
  seed: number;
  /** `worker_id` label on every series, for several workers behind one Prometheus job. */
  workerId: string | undefined;
  /** Share of requests the simulated engine fails (to see error panels and alerts move). */
  failureRate: number;
}

export const USAGE = `Usage: pnpm start -- [options]

  --port <n>          port to listen on (default 8787; 0 picks a free one)
  --host <addr>       address to bind (default 127.0.0.1)
  --duration <s>      exit cleanly after this many seconds
  --model <name>      model name to serve (default sim-llama-3-8b)
  --no-load           do not start the built-in load generator
  --rps <n>           load: requests per second to aim at (default 8; 0 = as fast as it can)
  --concurrency <n>   load: concurrent clients (default 12)
  --seed <n>          seed of the simulated engine and the load (default 1)
  --worker-id <id>    label every series worker_id="<id>" (several workers, one job)
  --failure-rate <r>  share of requests the engine fails, 0 to 1 (default 0)
  --help              show this text`;

/**
 * Reads the command line. Throws an Error with a readable message on bad input.
 *
 * @example
 * parseCli(['--port', '0', '--no-load']) // { port: 0, load: false, … }
 */
export function parseCli(argv: readonly string[]): QuickstartArgs | 'help' {
  // `pnpm start -- --port 0` passes the `--` through; parseArgs would stop reading options there.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      duration: { type: 'string' },
      model: { type: 'string', default: 'sim-llama-3-8b' },
      // Node 20's parseArgs has no `--no-` negation, so both spellings are declared.
      load: { type: 'boolean' },
      'no-load': { type: 'boolean' },
      rps: { type: 'string', default: '8' },
      concurrency: { type: 'string', default: '12' },
      seed: { type: 'string', default: '1' },
      'worker-id': { type: 'string' },
      'failure-rate': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const port = integer('--port', values.port, 0, 65535);
  const duration =
    values.duration === undefined ? undefined : number('--duration', values.duration);
  if (values.model === '') throw new Error('--model must not be empty');
  return {
    port,
    host: values.host,
    duration,
    model: values.model,
    load: values['no-load'] !== true || values.load === true,
    rps: number('--rps', values.rps, true),
    concurrency: integer('--concurrency', values.concurrency, 1, 1024),
    seed: integer('--seed', values.seed, 0, 2 ** 31),
    workerId: workerId(values['worker-id']),
    failureRate: fraction('--failure-rate', values['failure-rate']),
  };
}

function number(flag: string, text: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
    throw new Error(
      `${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${text}"`,
    );
  return n;
}

function workerId(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[\w.:-]{1,64}$/.test(text))
    throw new Error(`--worker-id must be 1 to 64 letters, digits, _ . : or -, got "${text}"`);
  return text;
}

function fraction(flag: string, text: string): number {
  const n = Number(text);
  if (!(n >= 0 && n <= 1)) throw new Error(`${flag} must be a number from 0 to 1, got "${text}"`);
  return n;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}
