import { promises as dns } from 'node:dns';
import type { AutoTarget } from '@inferlens/engine-source';
import { ENGINES, type EngineKind } from './args.js';

/** A name to resolve: `host:port` (A and AAAA records) or `srv+_svc._tcp.domain` (SRV). */
export interface DnsSpec {
  kind: 'a' | 'srv';
  name: string;
  /** Port of A/AAAA answers; SRV answers carry their own. */
  port: number | undefined;
  engine: EngineKind | undefined;
}

/** The resolver calls used; `node:dns/promises` by default, a stub in tests. */
export interface Resolver {
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveSrv(name: string): Promise<{ name: string; port: number }[]>;
}

/**
 * Reads `--dns` values: `[engine=]host:port` or `[engine=]srv+_vllm._tcp.example.com`; throws
 * with the value at fault.
 *
 * @example
 * parseDnsSpec('sglang=srv+_sglang._tcp.gpu.internal') // { kind: 'srv', name: '_sglang._tcp.gpu.internal', port: undefined, engine: 'sglang' }
 */
export function parseDnsSpec(raw: string): DnsSpec {
  const m = /^(?:([a-z]+)=)?(.+)$/.exec(raw)!;
  const engine = m[1] as EngineKind | undefined;
  if (engine !== undefined && !ENGINES.includes(engine))
    throw new Error(`--dns: "${raw}": unknown engine "${engine}"`);
  const rest = m[2]!;
  if (rest.startsWith('srv+')) return { kind: 'srv', name: rest.slice(4), port: undefined, engine };
  const hp = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(rest);
  const port = Number(hp?.[2]);
  if (!hp || !(port > 0 && port < 65536))
    throw new Error(`--dns: "${raw}" is not host:port or srv+<name>`);
  return { kind: 'a', name: hp[1]!, port, engine };
}

const hostPort = (host: string, port: number) =>
  `${host.includes(':') ? `[${host}]` : host.replace(/\.$/, '')}:${port}`;

/** One resolution of every spec; a spec that fails keeps `previous`'s targets for it. */
async function resolveAll(
  specs: readonly DnsSpec[],
  resolver: Resolver,
  previous: Map<DnsSpec, AutoTarget[]>,
  onError: (e: Error) => void,
): Promise<Map<DnsSpec, AutoTarget[]>> {
  const out = new Map<DnsSpec, AutoTarget[]>();
  const none = (e: { code?: string }) =>
    e.code === 'ENODATA' || e.code === 'ENOTFOUND' ? [] : Promise.reject(e);
  for (const spec of specs) {
    try {
      const hosts =
        spec.kind === 'srv'
          ? (await resolver.resolveSrv(spec.name)).map((r) => hostPort(r.name, r.port))
          : [
              ...(await resolver.resolve4(spec.name).catch(none)),
              ...(await resolver.resolve6(spec.name).catch(none)),
            ].map((ip) => hostPort(ip, spec.port!));
      out.set(
        spec,
        [...new Set(hosts)].sort().map((h) => ({
          url: `http://${h}`,
          name: h,
          ...(spec.engine ? { engine: spec.engine } : {}),
        })),
      );
    } catch (error) {
      // A failed lookup is not "no targets": keep the last answer until the name resolves again.
      onError(new Error(`dns ${spec.name}: ${(error as Error).message}`));
      out.set(spec, previous.get(spec) ?? []);
    }
  }
  return out;
}

/**
 * Resolves the names now and every `intervalMs` (default 30 s), calling `onTargets` when the
 * answers change. Targets are `http://address:port` (`target` label `address:port`).
 */
export function watchDns(
  specs: readonly DnsSpec[],
  onTargets: (targets: AutoTarget[]) => Promise<void> | void,
  options: { intervalMs?: number; resolver?: Resolver; onError?: (e: Error) => void } = {},
): { ready: Promise<void>; close(): void } {
  const resolver = options.resolver ?? dns;
  const onError = options.onError ?? (() => {});
  let answers = new Map<DnsSpec, AutoTarget[]>();
  let last: string | undefined;
  const check = async (): Promise<void> => {
    answers = await resolveAll(specs, resolver, answers, onError);
    const targets = [...answers.values()].flat();
    const key = JSON.stringify(targets);
    if (key === last) return;
    last = key;
    await onTargets(targets);
  };
  let running = check();
  const timer = setInterval(() => {
    running = running.then(check).catch((e: Error) => onError(e));
  }, options.intervalMs ?? 30_000);
  timer.unref();
  return { ready: running, close: () => clearInterval(timer) };
}
