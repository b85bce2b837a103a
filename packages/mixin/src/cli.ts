#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { mixinSummary, readMixinConfig, writeMixin } from './internal.js';

const USAGE = `Usage: inferlens-mixin --out <dir> [--config <file>]

Writes Grafana dashboards, Prometheus recording, alert and SLO rules with their promtool unit
tests, Kubernetes objects (ServiceMonitor, PodMonitor, PrometheusRule, dashboard ConfigMaps), a
local Prometheus / Alertmanager / Grafana setup and runbooks into <dir>.

  --out <dir>       folder to write (created if missing; files there are replaced)
  --config <file>   settings: .json, .yaml / .yml, or a .js / .mjs module whose default export
                    is the config object; everything left out keeps its default
  --help            show this text`;

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
    const config = values.config ? await readMixinConfig(values.config) : {};
    const mixin = writeMixin(values.out, config);
    console.log(mixinSummary(mixin, values.out).join('\n'));
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
