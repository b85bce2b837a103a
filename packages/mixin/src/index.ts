import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { alertGroups } from './alerts.js';
import { type MixinConfig, type MixinConfigInput, resolveConfig } from './config.js';
import { dashboards } from './dashboards/index.js';
import { kubernetesObjects } from './kubernetes.js';
import type { RuleGroup } from './promql.js';
import { type RecordedRule, recordingGroups } from './recording.js';
import { runbooks } from './runbooks.js';
import { sloPlan } from './slo.js';
import { alertmanagerConfig, grafanaProvisioning, prometheusConfig } from './stack.js';
import { unitTests } from './unit-tests.js';

export type {
  AlertOverride,
  KubernetesConfig,
  LatencySlo,
  MixinConfig,
  MixinConfigInput,
  Price,
  ScrapeTarget,
  Slos,
  StackConfig,
  Thresholds,
} from './config.js';
export { DEFAULT_THRESHOLDS, defaultConfig } from './config.js';
export { readMixinConfig } from './config-file.js';

/**
 * The rule files, by name, as Prometheus loads them (`groups: [...]`).
 *
 * @example
 * readFileSync(`monitoring/prometheus/rules/${RULE_FILES.alerts}`, 'utf8');
 */
export const RULE_FILES = {
  recording: 'inferlens-recording.rules.yml',
  alerts: 'inferlens-alerts.rules.yml',
  slo: 'inferlens-slo.rules.yml',
} as const;

/**
 * One file of the generated mixin.
 *
 * @example
 * for (const f of generateMixin().files) console.log(f.path, f.content.length);
 */
export interface GeneratedFile {
  /** Path relative to the output folder, e.g. `prometheus/rules/inferlens-alerts.rules.yml`. */
  path: string;
  content: string;
}

/**
 * What {@link generateMixin} and {@link writeMixin} return: the config used, the rules, the
 * dashboards, every file and the warnings.
 *
 * @example
 * const { warnings } = writeMixin('monitoring');
 * for (const w of warnings) console.warn(w);
 */
export interface Mixin {
  config: MixinConfig;
  /** Rule groups by file (see {@link RULE_FILES}). */
  rules: Record<keyof typeof RULE_FILES, RuleGroup[]>;
  /** Every recording rule with where its data comes from (inferlens, vllm, tgi, derived, config). */
  recordingRules: RecordedRule[];
  /** Dashboards as Grafana JSON models, by file name. */
  dashboards: { file: string; dashboard: object }[];
  /** Everything to write, with paths relative to the output folder. */
  files: GeneratedFile[];
  /** What the user should know that does not stop generation. */
  warnings: string[];
}

const yaml = (value: unknown) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

/**
 * Generates dashboards, rules, SLOs, unit tests, Kubernetes objects, a local stack and runbooks
 * from the schema and `config` (defaults for whatever it leaves out). Bad config throws a
 * `TypeError` naming the field.
 *
 * @example
 * const mixin = generateMixin({ prices: { 'llama-3-8b': { input: 0.05, output: 0.1 } } });
 * for (const f of mixin.files) console.log(f.path);
 */
export function generateMixin(config: MixinConfigInput = {}, outDir = '.'): Mixin {
  const c = resolveConfig(config);
  const recording = recordingGroups(c);
  const slo = sloPlan(c);
  const rules = {
    recording: recording.map((g) => g.group),
    alerts: alertGroups(c),
    slo: [...slo.groups.map((g) => g.group), slo.alerts],
  };
  const boards = dashboards(c).map(({ file, dashboard }) => ({
    file,
    dashboard: dashboard as object,
  }));
  const boardJson = boards.map((b) => ({
    file: b.file,
    json: `${JSON.stringify(b.dashboard, null, 2)}\n`,
  }));
  const ruleGroups = [...rules.recording, ...rules.alerts, ...rules.slo];
  const ruleFiles = Object.values(RULE_FILES).map((f) => `rules/${f}`);
  const provisioning = grafanaProvisioning(c, resolve(outDir, 'grafana/dashboards'));
  const files: GeneratedFile[] = [
    ...Object.entries(RULE_FILES).map(([key, file]) => ({
      path: `prometheus/rules/${file}`,
      content: yaml({ groups: rules[key as keyof typeof RULE_FILES] }),
    })),
    {
      path: 'prometheus/tests/inferlens-alerts.test.yml',
      content: yaml(
        unitTests(
          c,
          ruleFiles.map((f) => `../${f}`),
        ),
      ),
    },
    { path: 'prometheus/prometheus.yml', content: yaml(prometheusConfig(c, ruleFiles)) },
    { path: 'alertmanager/alertmanager.yml', content: yaml(alertmanagerConfig(c)) },
    ...boardJson.map((b) => ({ path: `grafana/dashboards/${b.file}`, content: b.json })),
    {
      path: 'grafana/provisioning/datasources/inferlens.yaml',
      content: yaml(provisioning.datasource),
    },
    {
      path: 'grafana/provisioning/dashboards/inferlens.yaml',
      content: yaml(provisioning.dashboards),
    },
    ...kubernetesObjects(c, ruleGroups, boardJson).map(({ file, object }) => ({
      path: `kubernetes/${file}`,
      content: yaml(object.toJSON()),
    })),
    ...runbooks(c).map((r) => ({ path: `runbooks/${r.file}`, content: r.markdown })),
  ];
  return {
    config: c,
    rules,
    recordingRules: [...recording.flatMap((g) => g.rules), ...slo.groups.flatMap((g) => g.rules)],
    dashboards: boards,
    files,
    warnings: slo.warnings,
  };
}

/**
 * Writes the generated files under `dir` (creating folders) and returns the mixin.
 *
 * @example
 * writeMixin('monitoring', { slos: { ttft: { objective: 0.99, thresholdSeconds: 1 } } });
 */
export function writeMixin(dir: string, config: MixinConfigInput = {}): Mixin {
  const mixin = generateMixin(config, dir);
  for (const f of mixin.files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  return mixin;
}
