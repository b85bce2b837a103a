/// <reference types="node" />
import { threadId } from 'node:worker_threads';
import { CONTENT_TYPES, type Lens, setupError } from '@inferlens/core/internal';
import { mergeExpositions, type WorkerText } from './merge.js';

type Message =
  | { type: 'hello' | 'here' | 'bye'; from: string }
  | { type: 'ask'; from: string; id: number }
  | { type: 'text'; from: string; to: string; id: number; text: string };

/**
 * The process group of `worker_threads`: every thread (the main one included) that calls this with
 * the same `name` joins a `BroadcastChannel`; `scrape()` in any of them gathers every member's
 * exposition and merges it as `mergeExpositions` does (a `worker` label of `thread-<id>` with
 * `workerLabel`). A member that does not answer within `timeoutMs` (1 s) is left out of that scrape.
 *
 * @example
 * // in the main thread and in every worker thread:
 * const group = threadGroupLens(lens);
 * const { contentType, body } = await group.scrape(); // the whole process
 */
export function threadGroupLens(
  lens: Lens,
  options: { name?: string; timeoutMs?: number; workerLabel?: boolean } = {},
): { scrape(): Promise<{ contentType: string; body: string }>; members(): number; close(): void } {
  const timeoutMs = options.timeoutMs ?? 1000;
  if (!(timeoutMs > 0)) setupError('cluster', 'timeoutMs: must be a positive number');
  const self = `thread-${threadId}`;
  const channel = new BroadcastChannel(`inferlens:${options.name ?? 'default'}`);
  (channel as { unref?: () => void }).unref?.();
  const members = new Set<string>();
  const waiting = new Map<number, (from: string, text: string) => void>();
  let next = 0;
  const own = async (): Promise<string> => {
    await lens.collect().catch(() => {});
    return lens.render('prometheus');
  };
  const post = (m: Message): void => {
    try {
      channel.postMessage(m);
    } catch {
      // A closed channel: this thread is leaving.
    }
  };
  channel.onmessage = (event) => {
    const m = (event as { data: Message }).data;
    if (typeof m !== 'object' || m === null || m.from === self) return;
    if (m.type === 'hello' || m.type === 'here') {
      members.add(m.from);
      if (m.type === 'hello') post({ type: 'here', from: self });
    } else if (m.type === 'bye') members.delete(m.from);
    else if (m.type === 'ask')
      void own().then((text) => post({ type: 'text', from: self, to: m.from, id: m.id, text }));
    else if (m.type === 'text' && m.to === self) waiting.get(m.id)?.(m.from, m.text);
  };
  post({ type: 'hello', from: self });
  return {
    members: () => members.size + 1,
    async scrape() {
      const id = next++;
      const expected = new Set(members);
      const texts: WorkerText[] = [{ worker: self, text: await own() }];
      if (expected.size > 0)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          waiting.set(id, (from, text) => {
            if (!expected.delete(from)) return;
            texts.push({ worker: from, text });
            if (expected.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          });
          post({ type: 'ask', from: self, id });
        });
      waiting.delete(id);
      return {
        contentType: CONTENT_TYPES.prometheus,
        body: mergeExpositions(texts, options.workerLabel === true),
      };
    },
    close() {
      post({ type: 'bye', from: self });
      channel.close();
    },
  };
}
