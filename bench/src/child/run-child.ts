/**
 * Runs a measurement in a fresh Node process (the bench's own loader flags, plus --expose-gc), so
 * what the earlier suites left on the heap neither slows it (full collections mark every live
 * object) nor shrinks its RSS figure. The child prints one JSON line.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export function runChild<T>(task: string, arg: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, '--expose-gc', join(here, 'tasks.ts'), task, arg],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line) reject(new Error(`bench child ${task} ${arg} exited ${code}`));
      else resolve(JSON.parse(line) as T);
    });
  });
}
