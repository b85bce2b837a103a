#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import type { MixinConfigInput } from './config.js';
import { writeMixin } from './index.js';

const USAGE = `Usage: inferlens-mixin --out <dir> [--config <file>]

Writes Grafana dashboards, Prometheus recording, alert and SLO rules with their promtool unit
tests, Kubernetes objects (ServiceMonitor, PodMonitor, PrometheusRule, dashboard ConfigMaps), a
local Prometheus / Alertmanager / Grafana setup and runbooks into <dir>.

  --out <dir>       folder to write (created if missing; files there are replaced)
  --config <file>   settings: .json, .yaml / .yml, or a .js / .mjs module whose default export
                    is the config object; everything left out keeps its default
  --help            show this text`;

async function readConfig(file: string): Promise<MixinConfigInput> {
  const path = resolve(file);
  const ext = extname(path);
  if (ext === '.js' || ext === '.mjs') {
    const mod = (await import(pathToFileURL(path).href)) as { default?: MixinConfigInput };
    if (mod.default === undefined) throw new Error(`${file}: has no default export`);
    return mod.default;
  }
  const text = readFileSync(path, 'utf8');
  return (ext === '.json' ? JSON.parse(text) : parse(text)) ?? {};
}

async function main(): Promise<number> {
  let values: { out?: string; config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      strict: true,
      options: {
        out: { type: 'string', short: 'o' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.out) {
    console.error(`--out is required\n\n${USAGE}`);
    return 2;
  }
  try {
    const config = values.config ? await readConfig(values.config) : {};
    const mixin = writeMixin(values.out, config);
    const count = (prefix: string) => mixin.files.filter((f) => f.path.startsWith(prefix)).length;
    const rules = Object.values(mixin.rules)
      .flat()
      .reduce((n, g) => n + g.rules.length, 0);
    console.log(`wrote ${mixin.files.length} files to ${values.out}:`);
    console.log(
      `  prometheus/    ${rules} rules in ${count('prometheus/rules/')} files, unit tests, prometheus.yml`,
    );
    console.log(`  grafana/       ${count('grafana/dashboards/')} dashboards, provisioning`);
    console.log(`  kubernetes/    ${count('kubernetes/')} objects`);
    console.log(`  alertmanager/  alertmanager.yml`);
    console.log(`  runbooks/      ${count('runbooks/')} pages`);
    console.log(`check: promtool check rules ${values.out}/prometheus/rules/*.yml`);
    console.log(
      `test:  promtool test rules ${values.out}/prometheus/tests/inferlens-alerts.test.yml`,
    );
    for (const w of mixin.warnings) console.warn(`warning: ${w}`);
    return 0;
  } catch (error) {
    // Bad configuration is an expected failure: its message names the field; no stack trace.
    console.error(`inferlens-mixin: ${(error as Error).message}`);
    return 2;
  }
}

// `inferlens-mixin … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await main();
