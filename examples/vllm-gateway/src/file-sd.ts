import { readFile } from 'node:fs/promises';
import type { AutoTarget } from '@inferlens/engine-source';
import { parse as parseYaml } from 'yaml';
import type { EngineKind } from './args.js';

/**
 * Reads a Prometheus `file_sd` file (https://prometheus.io/docs/guides/file-sd/): a list of
 * `{ targets: ["host:port", …], labels: { … } }` groups, in JSON or YAML. `__scheme__` picks
 * http or https; `__engine__` (ours) skips detection; other `__` labels are dropped, as
 * Prometheus drops them after relabeling; the rest label the target's series. Throws with the
 * file name and the group at fault.
 *
 * @example
 * parseFileSd('[{"targets":["10.0.0.5:8000"],"labels":{"zone":"a"}}]', 'fleet.json')
 * // [{ url: 'http://10.0.0.5:8000', name: '10.0.0.5:8000', labels: { zone: 'a' } }]
 */
export function parseFileSd(text: string, file: string): AutoTarget[] {
  const fail = (msg: string): never => {
    throw new Error(`file_sd ${file}: ${msg}`);
  };
  let doc: unknown;
  try {
    doc = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    fail(`does not parse: ${(error as Error).message}`);
  }
  if (doc === null || doc === undefined) return []; // an empty file: no targets
  if (!Array.isArray(doc)) fail('must be a list of { targets, labels } groups');
  const out: AutoTarget[] = [];
  (doc as unknown[]).forEach((group, i) => {
    const g = group as { targets?: unknown; labels?: unknown };
    if (!Array.isArray(g?.targets) || g.targets.some((t) => typeof t !== 'string'))
      fail(`group ${i}: targets must be a list of "host:port" strings`);
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries((g.labels ?? {}) as Record<string, unknown>)) {
      if (typeof v !== 'string') fail(`group ${i}: label ${k} must be a string`);
      labels[k] = v as string;
    }
    const scheme = labels.__scheme__ ?? 'http';
    const engine = labels.__engine__ as EngineKind | undefined;
    const own = Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('__')));
    for (const t of g.targets as string[])
      out.push({
        url: `${scheme}://${t}`,
        name: t,
        ...(engine ? { engine } : {}),
        ...(Object.keys(own).length ? { labels: own } : {}),
      });
  });
  return out;
}

/**
 * Watches a file_sd file: reads it now and every `intervalMs` (default 5 s, a poll: editors that
 * replace the file defeat fs.watch), and calls `onTargets` whenever its content changes. A file
 * that does not parse keeps the last good targets and is reported through `onError`.
 */
export function watchFileSd(
  file: string,
  onTargets: (targets: AutoTarget[]) => Promise<void> | void,
  options: { intervalMs?: number; onError?: (error: Error) => void } = {},
): { ready: Promise<void>; close(): void } {
  let last: string | undefined;
  const check = async (): Promise<void> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      return options.onError?.(new Error(`file_sd ${file}: ${(error as Error).message}`));
    }
    if (text === last) return;
    try {
      const targets = parseFileSd(text, file);
      last = text;
      await onTargets(targets);
    } catch (error) {
      options.onError?.(error as Error);
    }
  };
  let running = check();
  const timer = setInterval(() => {
    running = running.then(check);
  }, options.intervalMs ?? 5000);
  timer.unref();
  return { ready: running, close: () => clearInterval(timer) };
}
