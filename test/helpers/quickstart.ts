import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const QUICKSTART_DIR = fileURLToPath(new URL('../../examples/quickstart/', import.meta.url));
const LISTENING = /inferlens quickstart listening on (http:\/\/\S+)/;

/** An example app started as a child process (see {@link startExample}). */
export type Quickstart = ExampleProcess;

export interface ExampleProcess {
  url: string;
  child: ChildProcess;
  /** Everything printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when stdout has printed a line matching `pattern` (rejects after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  /**
   * Sends `signal` (none when null) unless it has already exited, and resolves with its exit code,
   * or null if it has not exited after `ms` (it is then killed).
   */
  stop(signal?: NodeJS.Signals | null, ms?: number): Promise<number | null>;
}

/**
 * Starts the quickstart as a user would (`node --import tsx src/main.ts …` in its folder, which is
 * what `pnpm start` runs) and resolves once it printed its URL.
 */
export function startQuickstart(
  args: string[],
  env: Record<string, string> = {},
): Promise<Quickstart> {
  return startExample(QUICKSTART_DIR, args, LISTENING, env);
}

/**
 * Starts `src/main.ts` of the example in `dir` under tsx, and resolves once stdout printed a line
 * matching `listening`, whose first group is the URL.
 */
export async function startExample(
  dir: string,
  args: string[],
  listening: RegExp,
  env: Record<string, string> = {},
): Promise<ExampleProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const waitFor = (pattern: RegExp, ms = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(stdout);
        if (!m) return false;
        cleanup();
        resolve(m[0]);
        return true;
      };
      const fail = (why: string) => {
        cleanup();
        reject(
          new Error(
            `${dir}: ${why} waiting for ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`,
          ),
        );
      };
      const timer = setTimeout(() => fail(`${ms} ms passed`), ms);
      const onExit = () => check() || fail('it exited');
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        child.off('exit', onExit);
      };
      if (check()) return;
      child.stdout?.on('data', check);
      child.once('exit', onExit);
    });
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const line = await waitFor(listening).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url: listening.exec(line)![1]!,
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitFor,
    async stop(signal: NodeJS.Signals | null = 'SIGTERM', ms = 5000) {
      if (signal && child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timeout = new Promise<null>((r) => setTimeout(() => r(null), ms).unref());
      const code = await Promise.race([exited, timeout]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return code;
    },
  };
}
