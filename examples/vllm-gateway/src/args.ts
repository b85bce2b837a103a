import { parseArgs } from 'node:util';
import { type DnsSpec, parseDnsSpec } from './dns-sd.js';

/** Engines the gateway knows; `unknown` is a target detection could not tell. */
export const ENGINES = ['vllm', 'tgi', 'sglang', 'llamacpp'] as const;
export type EngineKind = (typeof ENGINES)[number];

export interface Upstream {
  url: string;
  /** Forced with `vllm=`, `tgi=`, `sglang=` or `llamacpp=`; otherwise detected (metric names first). */
  engine: EngineKind | undefined;
  /** Labels for its series (from file_sd). */
  labels?: Record<string, string>;
}

export interface GatewayArgs {
  upstreams: Upstream[];
  /** A Prometheus file_sd file (JSON or YAML) with more upstreams, re-read when it changes. */
  fileSd?: string;
  /** Names resolved into upstreams, re-resolved every 30 s. */
  dns?: DnsSpec[];
  port: number;
  host: string;
}

export const USAGE = `Usage: pnpm start -- --upstream <url> [--upstream <url> …] [options]

  --upstream <url>   an engine to proxy to and scrape; repeat for several. Its engine (vLLM,
                     TGI, SGLang, llama.cpp) is detected from its metric names; prefix with
                     vllm=, tgi=, sglang= or llamacpp= to skip detection
                     (e.g. --upstream llamacpp=http://10.0.0.9:8080)
  --file-sd <path>   upstreams from a Prometheus file_sd file (JSON or YAML), re-read when it
                     changes; its labels label each target's series (__engine__ skips detection)
  --dns <spec>       upstreams from DNS, re-resolved every 30 s: host:port (A and AAAA) or
                     srv+_service._tcp.domain (SRV); prefix engine= to skip detection; repeatable
  --port <n>         port to listen on (default 8080; 0 picks a free one)
  --host <addr>      address to bind (default 127.0.0.1)
  --help             show this text`;

/**
 * Reads the command line; throws an Error with a readable message on bad input.
 *
 * @example
 * parseCli(['--upstream', 'http://a:8000', '--upstream', 'tgi=http://b:3000'])
 */
export function parseCli(argv: readonly string[]): GatewayArgs | 'help' {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      upstream: { type: 'string', multiple: true },
      'file-sd': { type: 'string' },
      dns: { type: 'string', multiple: true },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const upstreams = (values.upstream ?? []).map(parseUpstream);
  const fileSd = values['file-sd'];
  const dns = values.dns?.map(parseDnsSpec);
  if (upstreams.length === 0 && fileSd === undefined && !dns?.length)
    throw new Error('give at least one --upstream <url> (or a --file-sd <path>, a --dns <spec>)');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: ${values.port} is not a port`);
  return { upstreams, port, host: values.host ?? '127.0.0.1', fileSd, dns };
}

function parseUpstream(raw: string): Upstream {
  const m = /^(vllm|tgi|sglang|llamacpp)=(.*)$/.exec(raw);
  const url = m ? m[2]! : raw;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new Error(`--upstream: "${raw}" is not an http(s) URL`);
  }
  return { url: url.replace(/\/+$/, ''), engine: m ? (m[1] as EngineKind) : undefined };
}
