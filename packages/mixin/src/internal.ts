/**
 * `@inferlens/mixin/internal`: what the inferlens CLI and the stack tests read of the mixin (the
 * queries of each panel, the dashboard variables, the recorded series, config resolution). For
 * @inferlens packages only; no semver promise. Applications use `@inferlens/mixin`.
 */
export { resolveConfig } from './config.js';
export { mixinSummary } from './config-file.js';
export { panelQueries, variables } from './dashboards/index.js';
export type {
  AlertOverride,
  GeneratedFile,
  KubernetesConfig,
  LatencySlo,
  Mixin,
  MixinConfig,
  MixinConfigInput,
  Price,
  ScrapeTarget,
  Slos,
  StackConfig,
  Thresholds,
} from './index.js';
export {
  DEFAULT_THRESHOLDS,
  defaultConfig,
  generateMixin,
  RULE_FILES,
  readMixinConfig,
  writeMixin,
} from './index.js';
export type { AlertingRule, RecordingRule, RuleGroup } from './promql.js';
export type { RecordedRule } from './recording.js';
export { recorded } from './recording.js';
