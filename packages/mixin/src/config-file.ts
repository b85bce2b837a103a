import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import type { MixinConfigInput } from './config.js';
import type { Mixin } from './index.js';

/**
 * Reads a mixin config file: `.json`, `.yaml` / `.yml`, or a `.js` / `.mjs` module whose default
 * export is the config object. Shared by `inferlens-mixin` and `inferlens mixin`.
 *
 * @example
 * writeMixin('monitoring', await readMixinConfig('mixin.yaml'));
 */
export async function readMixinConfig(file: string): Promise<MixinConfigInput> {
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

/**
 * What a written mixin holds, as the lines the command-line tools print after writing it to `out`.
 *
 * @example
 * console.log(mixinSummary(writeMixin('monitoring'), 'monitoring').join('\n'));
 */
export function mixinSummary(mixin: Mixin, out: string): string[] {
  const count = (prefix: string) => mixin.files.filter((f) => f.path.startsWith(prefix)).length;
  const rules = Object.values(mixin.rules)
    .flat()
    .reduce((n, g) => n + g.rules.length, 0);
  return [
    `wrote ${mixin.files.length} files to ${out}:`,
    `  prometheus/    ${rules} rules in ${count('prometheus/rules/')} files, unit tests, prometheus.yml`,
    `  grafana/       ${count('grafana/dashboards/')} dashboards, provisioning`,
    `  kubernetes/    ${count('kubernetes/')} objects`,
    `  alertmanager/  alertmanager.yml`,
    `  runbooks/      ${count('runbooks/')} pages`,
    `check: promtool check rules ${out}/prometheus/rules/*.yml`,
    `test:  promtool test rules ${out}/prometheus/tests/inferlens-alerts.test.yml`,
  ];
}
