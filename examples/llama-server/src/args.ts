import { parseArgs } from 'node:util';

export interface ServerArgs {
  /** A GGUF file; undefined serves the tiny random-weight model written at start. */
  model: string | undefined;
  /** `model` in the API and `model_name` in the metrics (default: the file name). */
  name: string | undefined;
  port: number;
  host: string;
  /** Sequences of the context: requests served at once (the rest wait in the queue). */
  sequences: number;
  /** Context size per sequence, in tokens. */
  contextSize: number;
  threads: number;
}

export const USAGE = `Usage: pnpm --filter @inferlens/example-llama-server start -- [options]

  --model <path.gguf>   the model to serve (default: a tiny random-weight model, written at start)
  --name <name>         model name in the API and the metrics (default: the file name)
  --port <n>            port (default 8788; 0 picks a free one)
  --host <addr>         address to bind (default 127.0.0.1)
  --sequences <n>       requests generated at once (default 4)
  --context-size <n>    tokens per sequence (default 2048; 256 for the tiny model)
  --threads <n>         CPU threads (default 1: ggml's threads busy-wait, more than the free cores stalls it)
  --help                show this text`;

/**
 * Reads the command line; throws an Error with a readable message on bad input.
 *
 * @example
 * parseServerArgs(['--model', 'qwen2.5-0.5b-instruct-q4_k_m.gguf', '--port', '0'])
 */
export function parseServerArgs(argv: readonly string[]): ServerArgs | 'help' {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      model: { type: 'string' },
      name: { type: 'string' },
      port: { type: 'string', default: '8788' },
      host: { type: 'string', default: '127.0.0.1' },
      sequences: { type: 'string', default: '4' },
      'context-size': { type: 'string' },
      threads: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const model = values.model;
  return {
    model,
    name: values.name,
    port: integer('--port', values.port, 0, 65535),
    host: values.host,
    sequences: integer('--sequences', values.sequences, 1, 64),
    contextSize: integer(
      '--context-size',
      values['context-size'] ?? (model ? '2048' : '256'),
      16,
      1 << 20,
    ),
    threads: integer('--threads', values.threads, 1, 256),
  };
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}
