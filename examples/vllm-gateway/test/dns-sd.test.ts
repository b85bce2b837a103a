import { startFakeLlamacpp, startFakeSglang, startFakeVllm } from '@inferlens/testkit';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/args.js';
import { parseDnsSpec, type Resolver } from '../src/dns-sd.js';
import { createGateway } from '../src/gateway.js';

/** Polls `check` until it holds (or 5 s pass): discovery and detection take what the machine needs. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('--dns', () => {
  it('reads host:port and srv+ names, with an optional engine', () => {
    expect(parseDnsSpec('vllm.internal:8000')).toEqual({
      kind: 'a',
      name: 'vllm.internal',
      port: 8000,
      engine: undefined,
    });
    expect(parseDnsSpec('sglang=srv+_sglang._tcp.gpu.internal')).toEqual({
      kind: 'srv',
      name: '_sglang._tcp.gpu.internal',
      port: undefined,
      engine: 'sglang',
    });
    expect(() => parseDnsSpec('vllm.internal')).toThrow(/not host:port or srv\+<name>/);
    expect(() => parseDnsSpec('ollama=a:1')).toThrow(/unknown engine "ollama"/);
    expect(parseCli(['--dns', 'a:1', '--port', '0'])).toMatchObject({
      upstreams: [],
      dns: [{ name: 'a' }],
    });
  });

  it('re-resolves: upstreams follow the answers, a failed lookup keeps the last ones', async () => {
    const vllm = await startFakeVllm({ engine: { eosProbability: 0 } });
    const sglang = await startFakeSglang({ engine: { eosProbability: 0 } });
    const llama = await startFakeLlamacpp({ engine: { eosProbability: 0 } });
    const portOf = (u: string) => Number(new URL(u).port);
    // Stub answers: A records of "vllm.svc", SRV records of "_llm._tcp.svc".
    let a: string[] = ['127.0.0.1'];
    let srv: { name: string; port: number }[] | Error = [
      { name: 'localhost', port: portOf(sglang.url) },
    ];
    const resolver: Resolver = {
      resolve4: async () => a,
      resolve6: async () =>
        Promise.reject(Object.assign(new Error('no AAAA'), { code: 'ENODATA' })),
      resolveSrv: async () => (srv instanceof Error ? Promise.reject(srv) : srv),
    };
    const errors: string[] = [];
    const gateway = await createGateway({
      upstreams: [],
      dns: [parseDnsSpec(`vllm.svc:${portOf(vllm.url)}`), parseDnsSpec('srv+_llm._tcp.svc')],
      dnsIntervalMs: 50,
      dnsResolver: resolver,
      onError: (e) => errors.push(e.message),
      port: 0,
    });
    try {
      expect(gateway.upstreams.map((u) => [u.url, u.engine])).toEqual([
        [`http://127.0.0.1:${portOf(vllm.url)}`, 'vllm'],
        [`http://localhost:${portOf(sglang.url)}`, 'sglang'],
      ]);
      a = []; // the vLLM name has no address any more
      srv = [
        { name: 'localhost', port: portOf(sglang.url) },
        { name: 'localhost', port: portOf(llama.url) },
      ];
      await until(
        () =>
          gateway.upstreams
            .map((u) => u.engine)
            .sort()
            .join() === 'llamacpp,sglang',
      );
      expect(gateway.upstreams.map((u) => u.engine).sort()).toEqual(['llamacpp', 'sglang']);
      const status = (await (await fetch(`${gateway.url}/status`)).json()) as { engine: string }[];
      expect(status.map((s) => s.engine).sort()).toEqual(['llamacpp', 'sglang']);
      srv = new Error('SERVFAIL');
      await until(() => errors.length > 0);
      expect(gateway.upstreams.map((u) => u.engine).sort()).toEqual(['llamacpp', 'sglang']);
      expect(errors.at(-1)).toMatch(/dns _llm._tcp.svc: SERVFAIL/);
    } finally {
      await gateway.close();
      for (const s of [vllm, sglang, llama]) await s.close();
    }
  });
});
