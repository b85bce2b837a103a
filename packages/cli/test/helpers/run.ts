import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** packages/cli: tsx reads its tsconfig there, so `@inferlens/*` resolve to the sources. */
export const CLI_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `inferlens …` as a user would, in a child process (`node --import tsx src/cli.ts`), with
 * stdout and stderr as pipes; `env` adds to the environment.
 */
export function inferlens(
  args: string[],
  env: Record<string, string> = {},
  ms = 60_000,
): Promise<Run> {
  return spawnRun(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], env, ms);
}

/**
 * Runs `inferlens …` on a terminal: script(1) gives it a pseudo-terminal for stdout and stderr,
 * whose output comes back (both streams mixed) as `stdout`. Asynchronous, so servers in the test
 * process keep answering.
 */
export function inferlensOnTerminal(
  args: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const command = ['node', '--import', 'tsx', 'src/cli.ts', ...args].join(' ');
  return spawnRun('script', ['-qec', command, '/dev/null'], env, 60_000);
}

function spawnRun(
  file: string,
  args: string[],
  env: Record<string, string>,
  ms: number,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: CLI_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`inferlens ${args.join(' ')}: no exit in ${ms} ms\n${stdout}\n${stderr}`));
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `inferlens … --json`, parsed. */
export async function inferlensJson<T>(
  args: string[],
): Promise<{ code: number | null; json: T; stderr: string }> {
  const run = await inferlens([...args, '--json']);
  try {
    return { code: run.code, json: JSON.parse(run.stdout) as T, stderr: run.stderr };
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}
