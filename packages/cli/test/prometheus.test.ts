import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMixin, writeMixin } from '@inferlens/mixin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  type PrometheusServer,
  runPrometheus,
  startPrometheus,
} from '../../../test/helpers/prometheus.js';
import { type Quickstart, startQuickstart } from '../../../test/helpers/quickstart.js';
import type { PrometheusReport } from '../src/prometheus.js';
import { inferlens, inferlensJson } from './helpers/run.js';

/**
 * `check --prometheus` against a real Prometheus 2.42 that runs the generated rules and scrapes
 * the quickstart, and against one that runs none of them; `mixin` writes what writeMixin does.
 */
let dir: string;
let quickstart: Quickstart;
let prom: PrometheusServer;
let bare: PrometheusServer;
const config = {
  stack: { jobs: { quickstart: [] as string[] }, interval: '1s' },
  sloLongWindowInterval: '1s',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'inferlens-cli-prom-'));
  quickstart = await startQuickstart([
    '--port',
    '0',
    '--rps',
    '8',
    '--concurrency',
    '4',
    '--failure-rate',
    '0.02',
  ]);
  config.stack.jobs.quickstart = [new URL(quickstart.url).host];
  writeMixin(join(dir, 'out'), config);
  writeFileSync(join(dir, 'mixin.json'), JSON.stringify(config));
  [prom, bare] = await Promise.all([
    runPrometheus(join(dir, 'out/prometheus/prometheus.yml'), dir, await freePort()),
    startPrometheus([{ name: 'quickstart', target: new URL(quickstart.url).host }]),
  ]);
  await Promise.all([
    prom.waitForScrapes(['quickstart'], 4),
    bare.waitForScrapes(['quickstart'], 2),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([prom?.stop(), bare?.stop()]);
  await quickstart?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('inferlens check --prometheus on a real Prometheus', () => {
  it('targets up, every generated rule loaded and healthy, dashboard queries with data', async () => {
    const expected = Object.values(generateMixin(config).rules)
      .flat()
      .reduce((n, g) => n + g.rules.length, 0);
    let result = await inferlensJson<PrometheusReport>([
      'check',
      '--prometheus',
      prom.url,
      '--mixin-config',
      join(dir, 'mixin.json'),
    ]);
    // Rates need a few evaluations: ask again until most panels have data.
    for (let i = 0; i < 20 && result.json.queries.withData < result.json.queries.total * 0.6; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      result = await inferlensJson<PrometheusReport>([
        'check',
        '--prometheus',
        prom.url,
        '--mixin-config',
        join(dir, 'mixin.json'),
      ]);
    }
    const { code, json } = result;
    expect(json.targets).toEqual([expect.objectContaining({ job: 'quickstart', health: 'up' })]);
    expect(json.rules).toMatchObject({
      expected,
      loaded: expected,
      unhealthy: [],
      missingGroups: [],
    });
    expect(json.queries.failed).toEqual([]);
    expect(json.queries.total).toBeGreaterThan(40);
    // What stays empty on one quickstart: the engine-specific (vLLM, TGI) and GPU panels.
    expect(json.queries.withData).toBeGreaterThan(json.queries.total * 0.6);
    const firing = json.alerts.filter((a) => a.state === 'firing');
    expect(code).toBe(firing.length ? 1 : 0);
    const text = await inferlens([
      'check',
      '--prometheus',
      prom.url,
      '--mixin-config',
      join(dir, 'mixin.json'),
    ]);
    expect(text.stdout).toMatch(/targets +1 of 1 up \(jobs: quickstart\)/);
    expect(text.stdout).toContain(
      `rules     ${expected} of ${expected} generated rules loaded, 0 failing`,
    );
    expect(text.stdout).toMatch(/queries +\d+ of \d+ dashboard queries return data/);
  }, 60_000);

  it('a Prometheus without the generated rules: exit 1, the missing groups named', async () => {
    const { code, json } = await inferlensJson<PrometheusReport>([
      'check',
      '--prometheus',
      bare.url,
    ]);
    expect(code).toBe(1);
    expect(json.rules.loaded).toBe(0);
    expect(json.findings.map((f) => f.message).join('\n')).toMatch(
      /generated rule groups are not loaded \(rule_files in prometheus.yml\?\)/,
    );
  });

  it('not a Prometheus, or none there: exit 2', async () => {
    const wrong = await inferlens(['check', '--prometheus', quickstart.url]);
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toMatch(/error +\/api\/v1\/targets/);
    const none = await inferlens(['check', '--prometheus', `http://127.0.0.1:${await freePort()}`]);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/unreachable/);
  });
});

describe('inferlens mixin', () => {
  it('writes the same files as writeMixin, from a config file', async () => {
    const out = join(dir, 'cli-out');
    const run = await inferlens(['mixin', '--out', out, '--config', join(dir, 'mixin.json')]);
    expect(run.code, run.stderr).toBe(0);
    const files = generateMixin(config, out).files;
    expect(run.stdout).toContain(`wrote ${files.length} files to ${out}:`);
    expect(readdirSync(join(out, 'grafana/dashboards')).length).toBe(
      files.filter((f) => f.path.startsWith('grafana/dashboards/')).length,
    );
  });

  it('bad config: exit 2, the field named, no stack trace', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ stack: { interval: 'soon' } }));
    const run = await inferlens([
      'mixin',
      '--out',
      join(dir, 'bad-out'),
      '--config',
      join(dir, 'bad.json'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^inferlens: .*interval/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
