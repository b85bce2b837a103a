import { type ChildProcess, spawn } from 'node:child_process';

export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** Starts `command`, resolving with the URL once it prints `listening on <url>`; fails with its output. */
export async function spawnServer(
  label: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<SpawnedServer> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not start in ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    child.once('error', (error) => reject(new Error(`${label} did not spawn: ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code}:\n${output}`)));
    child.stdout?.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return { url, child, output: () => output };
}
