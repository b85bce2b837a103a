import type { AutoSource, AutoTarget } from '@inferlens/engine-source';
import type { Upstream } from './args.js';
import { type DnsSpec, type Resolver, watchDns } from './dns-sd.js';
import { watchFileSd } from './file-sd.js';
import { autoTarget, type ResolvedUpstream, resolve } from './upstreams.js';

/** Where upstreams come from besides the command line: a file_sd file, DNS names. */
export interface DiscoveryOptions {
  /** The static upstreams; one of them wins over a discovered one with the same URL. */
  upstreams: Upstream[];
  /** A Prometheus file_sd file (JSON or YAML) with more upstreams, re-read when it changes. */
  fileSd?: string;
  /** How often the file_sd file is checked (default 5000 ms). */
  fileSdIntervalMs?: number;
  /** Names resolved into upstreams (`host:port` A/AAAA, `srv+name` SRV), re-resolved. */
  dns?: DnsSpec[];
  /** How often the names are re-resolved (default 30 s). */
  dnsIntervalMs?: number;
  /** The DNS resolver (default node:dns). */
  dnsResolver?: Resolver;
  /** Where discovery problems go (default console.error). */
  onError?: (error: Error) => void;
}

/** The fleet as discovery keeps it: the upstreams now, and what stops the watchers. */
export interface Discovery {
  upstreams(): ResolvedUpstream[];
  close(): void;
}

/**
 * Watches the file_sd file and DNS names, hands every change of the upstream list to `source`
 * (which detects new upstreams' engines), and resolves once the first reads are in.
 */
export async function startDiscovery(
  options: DiscoveryOptions,
  source: AutoSource,
): Promise<Discovery> {
  const found: { file: AutoTarget[]; dns: AutoTarget[] } = { file: [], dns: [] };
  const all = (): Upstream[] => {
    const seen = new Set(options.upstreams.map((u) => u.url));
    const more = [...found.file, ...found.dns].filter((t) => !seen.has(t.url) && seen.add(t.url));
    const discovered = more.map((t) => ({
      url: t.url,
      engine: t.engine as Upstream['engine'],
      labels: t.labels,
    }));
    return [...options.upstreams, ...discovered];
  };
  let upstreams = resolve(all(), source.status());
  const apply = (from: 'file' | 'dns') => async (targets: AutoTarget[]) => {
    found[from] = targets;
    await source.setTargets(all().map(autoTarget));
    upstreams = resolve(all(), source.status());
  };
  const onError = options.onError ?? ((e: Error) => console.error(e.message));
  const watchers = [
    options.fileSd === undefined
      ? undefined
      : watchFileSd(options.fileSd, apply('file'), {
          intervalMs: options.fileSdIntervalMs,
          onError,
        }),
    options.dns?.length
      ? watchDns(options.dns, apply('dns'), {
          intervalMs: options.dnsIntervalMs,
          resolver: options.dnsResolver,
          onError,
        })
      : undefined,
  ];
  for (const w of watchers) await w?.ready;
  return {
    upstreams: () => upstreams,
    close: () => {
      for (const w of watchers) w?.close();
    },
  };
}
