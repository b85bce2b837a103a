import { fail } from './errors.js';

/** An optional peer dependency as loading it turned out: the module, or why it did not load. */
export interface Peer<T> {
  readonly name: string;
  readonly module: T | undefined;
  readonly error: unknown;
}

/**
 * Loads an optional peer when its entry is imported (top-level await in the ESM build; the CJS
 * build swaps this for {@link loadPeerSync} with `require`, see tsup.config.ts), so a missing
 * exporter surfaces as a setup error naming the package rather than as a failed import.
 */
export async function loadPeer<T>(name: string, load: () => Promise<T>): Promise<Peer<T>> {
  try {
    return { name, module: await load(), error: undefined };
  } catch (error) {
    return { name, module: undefined, error };
  }
}

/** The CJS build's {@link loadPeer}. */
export function loadPeerSync<T>(name: string, load: () => T): Peer<T> {
  try {
    return { name, module: load(), error: undefined };
  } catch (error) {
    return { name, module: undefined, error };
  }
}

/** The peer's module, or a setup error that says which package to install and which version. */
export function usePeer<T>(peer: Peer<T>, caller: string): T {
  if (peer.module !== undefined) return peer.module;
  const reason = peer.error instanceof Error ? `: ${peer.error.message.split('\n')[0]}` : '';
  return fail(
    `${caller}: needs ${peer.name}, an optional peer dependency that is not installed${reason}. ` +
      `Install it beside @opentelemetry/sdk-metrics: npm install ${peer.name} ` +
      '(0.2xx versions go with SDK 2, 0.3xx with SDK 3)',
  );
}
