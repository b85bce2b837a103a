import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schema } from '@inferlens/core/internal';
import { parse } from '@inferlens/prom-parse';
import { startFakeLlamacpp, startFakeSglang, startFakeVllm } from '@inferlens/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli } from '../src/args.js';
import { parseFileSd } from '../src/file-sd.js';
import { createGateway } from '../src/gateway.js';

/** Polls `check` until it holds (or 5 s pass): discovery and detection take what the machine needs. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
}

const dir = mkdtempSync(join(tmpdir(), 'inferlens-file-sd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseFileSd', () => {
  it('reads Prometheus file_sd groups in JSON and YAML, keeping their labels', () => {
    const json = '[{"targets":["10.0.0.5:8000","10.0.0.6:8000"],"labels":{"zone":"a"}}]';
    expect(parseFileSd(json, 'fleet.json')).toEqual([
      { url: 'http://10.0.0.5:8000', name: '10.0.0.5:8000', labels: { zone: 'a' } },
      { url: 'http://10.0.0.6:8000', name: '10.0.0.6:8000', labels: { zone: 'a' } },
    ]);
    const yaml = [
      '- targets: ["gpu-1:30000"]',
      '  labels: { __scheme__: https, __engine__: sglang, __meta_x: dropped, pool: b }',
      '- targets: []',
    ].join('\n');
    expect(parseFileSd(yaml, 'fleet.yaml')).toEqual([
      { url: 'https://gpu-1:30000', name: 'gpu-1:30000', engine: 'sglang', labels: { pool: 'b' } },
    ]);
    expect(parseFileSd('', 'empty.yml')).toEqual([]);
    expect(() => parseFileSd('{"targets":[]}', 'x.json')).toThrow(
      /^file_sd x.json: must be a list/,
    );
    expect(() => parseFileSd('[{"targets":[1]}]', 'x.json')).toThrow(/group 0: targets/);
    expect(() => parseFileSd('[{"targets":["a:1"],"labels":{"n":1}}]', 'x.json')).toThrow(
      /label n must be a string/,
    );
    expect(() => parseFileSd('[{', 'x.json')).toThrow(/does not parse/);
  });

  it('is a command-line option, alone or with --upstream', () => {
    expect(parseCli(['--file-sd', 'fleet.yaml', '--port', '0'])).toMatchObject({
      upstreams: [],
      fileSd: 'fleet.yaml',
    });
  });
});

describe('the gateway with a file_sd file', () => {
  it('adds and removes upstreams while scraping; file labels label the series', async () => {
    const vllm = await startFakeVllm({ engine: { eosProbability: 0 } });
    const sglang = await startFakeSglang({ engine: { eosProbability: 0 } });
    const llama = await startFakeLlamacpp({ engine: { eosProbability: 0 } });
    const host = (u: string) => new URL(u).host;
    const file = join(dir, 'fleet.json');
    const write = (groups: unknown) => writeFileSync(file, JSON.stringify(groups));
    write([{ targets: [host(vllm.url)], labels: { zone: 'a' } }]);
    const errors: string[] = [];
    const gateway = await createGateway({
      upstreams: [],
      fileSd: file,
      fileSdIntervalMs: 50,
      port: 0,
      onError: (e) => errors.push(e.message),
    });
    const metrics = async () => {
      await new Promise((r) => setTimeout(r, 1050)); // past the minimum scrape interval
      const r = parse(await (await fetch(`${gateway.url}/metrics`)).text());
      expect(r.errors).toEqual([]);
      return (id: keyof typeof schema) =>
        r.families.find((f) => f.name === schema[id].prometheus)?.samples ?? [];
    };
    try {
      expect(gateway.upstreams.map((u) => u.engine)).toEqual(['vllm']);
      let m = await metrics();
      expect(m('sourceUp').map((s) => [s.labels.engine, s.value])).toEqual([['vllm', 1]]);
      expect(m('requestsRunning').map((s) => [s.labels.engine, s.labels.zone])).toEqual([
        ['vllm', 'a'],
      ]);

      write([
        { targets: [host(sglang.url)], labels: { zone: 'b' } },
        { targets: [host(llama.url)], labels: { __engine__: 'llamacpp' } },
      ]);
      await until(() => gateway.upstreams.length === 2);
      expect(gateway.upstreams.map((u) => [u.engine, u.detection.by])).toEqual([
        ['sglang', 'metrics'],
        ['llamacpp', 'forced'],
      ]);
      m = await metrics();
      // vLLM left: its health and its mirrored series are gone.
      expect(
        m('sourceUp')
          .map((s) => s.labels.engine)
          .sort(),
      ).toEqual(['llamacpp', 'sglang']);
      expect(
        m('requestsRunning')
          .map((s) => [s.labels.engine, s.labels.zone])
          .sort(),
      ).toEqual([
        ['llamacpp', undefined],
        ['sglang', 'b'],
      ]);

      // A broken file keeps the last good targets and says why.
      writeFileSync(file, '[{"targets": ');
      await until(() => errors.length > 0);
      expect(gateway.upstreams).toHaveLength(2);
      expect(errors.at(-1)).toMatch(/does not parse/);
    } finally {
      await gateway.close();
      for (const s of [vllm, sglang, llama]) await s.close();
    }
  });
});
