import { type MetricId, schema } from '@inferlens/core/internal';

/** Bad configuration fails loudly at generation, naming the package and the field. */
export function fail(message: string): never {
  throw new TypeError(`[@inferlens/mixin] ${message}`);
}

/** Alert thresholds; every one can be changed. Ratios are 0 to 1. */
export interface Thresholds {
  /** KV-cache usage of one engine instance: warning above this ratio (default 0.7). */
  kvCacheWarning: number;
  /** KV-cache usage: critical above this ratio (default 0.9). */
  kvCacheCritical: number;
  /** KV-cache usage: critical "exhausted" above this ratio for a longer time (default 0.95, 10 min). */
  kvCacheExhausted: number;
  /** Requests waiting in one worker (instance): warning (default 5) and critical (default 10). */
  queueWorkerWarning: number;
  queueWorkerCritical: number;
  /** Requests waiting for one model across the fleet: warning (default 20) and critical (default 50). */
  queueModelWarning: number;
  queueModelCritical: number;
  /** GPU memory used / total: warning (default 0.8) and critical (default 0.95). */
  gpuMemoryWarning: number;
  gpuMemoryCritical: number;
  /** p95 end-to-end request latency in seconds (default 10). */
  e2eLatencyP95Seconds: number;
  /** p95 HTTP time to first byte in seconds (default 1): for a stream, the wait before it starts. */
  httpLatencyP95Seconds: number;
  /** Share of LLM requests that failed, and of HTTP requests answered 5xx (default 0.05). */
  errorRatio: number;
  /** Prefix-cache hit rate below which caching looks ineffective (default 0.3). */
  prefixCacheHitRateMin: number;
  /** Preemptions per second (default 0.1). */
  preemptionsPerSecond: number;
  /** Generated tokens per second below which a model with running requests looks stuck (default 100). */
  minTokensPerSecond: number;
  /** Seconds since an engine source's last good scrape before it counts as stale (default 120). */
  sourceStaleSeconds: number;
}

/** A service-level objective: `objective` of events are good over the SLO period. */
export interface LatencySlo {
  /** Share of requests that must be fast, e.g. 0.95. */
  objective: number;
  /** The latency bound in seconds; the histogram needs a bucket bound exactly here. */
  thresholdSeconds: number;
}

/**
 * The service-level objectives the SLO rules and alerts are generated for.
 *
 * @example
 * generateMixin({ slos: { ttft: { objective: 0.99, thresholdSeconds: 1 } } });
 */
export interface Slos {
  /** Share of LLM requests that do not fail (default 0.99); `false` turns it off. */
  availability: { objective: number } | false;
  /** Share of requests whose end-to-end latency is within the bound (default 95 % within 5 s). */
  e2eLatency: LatencySlo | false;
  /** Share of requests whose time to first token is within the bound (default 99 % within 0.5 s). */
  ttft: LatencySlo | false;
}

/** Per-alert overrides, by alert name. */
export interface AlertOverride {
  /** How long the condition must hold before the alert fires, e.g. `'5m'`. */
  for?: string;
  severity?: 'info' | 'warning' | 'critical';
  /** Leave the alert out. */
  disabled?: boolean;
}

/** Price of tokens for one model, in US dollars per million tokens. */
export interface Price {
  input: number;
  output: number;
}

/** What Prometheus scrapes in Kubernetes: Services (ServiceMonitor) or Pods (PodMonitor). */
export interface ScrapeTarget {
  /** Label selector of the Services or Pods, e.g. `{ 'llmd.ai/gather-metrics': 'true' }`. */
  selector: Record<string, string>;
  /** Name of the Service port (ServiceMonitor) or container port (PodMonitor). */
  port: string;
  /** Metrics path (default `/metrics`). */
  path: string;
  /** Scrape interval (default `30s`). */
  interval: string;
}

/**
 * How the Kubernetes objects (PrometheusRule, ServiceMonitor, dashboards' ConfigMaps) are named
 * and labelled.
 *
 * @example
 * generateMixin({ kubernetes: { namespace: 'monitoring' } });
 */
export interface KubernetesConfig {
  /** Namespace of the generated objects (default `monitoring`). */
  namespace: string;
  /** Namespaces the monitors look in; empty means every namespace (default `[]`). */
  targetNamespaces: string[];
  /** Labels that your Prometheus selects monitors and rules by, e.g. `{ release: 'prometheus' }`. */
  labels: Record<string, string>;
  /** An inferlens-instrumented app or gateway, scraped through its Service. */
  app: ScrapeTarget;
  /** Engine pods (vLLM, TGI, llm-d prefill and decode pods) scraped directly. */
  engines: ScrapeTarget;
  /** Label the Grafana sidecar loads dashboard ConfigMaps by (default `{ grafana_dashboard: '1' }`). */
  dashboardLabels: Record<string, string>;
}

/** Files for a local Prometheus, Alertmanager and Grafana. */
export interface StackConfig {
  /** Scrape jobs: job name → `host:port` targets. */
  jobs: Record<string, string[]>;
  /** Scrape and rule evaluation interval (default `15s`). */
  interval: string;
  /** Alertmanager address Prometheus sends to (default `127.0.0.1:9093`). */
  alertmanager: string;
  /** Webhook Alertmanager posts alerts to (default `http://127.0.0.1:5001/alerts`). */
  webhookUrl: string;
  /** Prometheus URL Grafana reads (default `http://127.0.0.1:9090`). */
  prometheusUrl: string;
}

/** Everything the generator reads. Every field has a default; see {@link defaultConfig}. */
export interface MixinConfig {
  /**
   * Label matchers added to every raw series the rules read, e.g. `namespace="llm"` or
   * `job=~"vllm|gateway"` (default none).
   */
  selector: string;
  /**
   * Labels the recorded `model:` series keep. They must separate histograms of different bucket
   * layouts: `engine` separates vLLM's, TGI's and inferlens's; `vantage` separates a gateway's own
   * measurements from the engines' it mirrors.
   */
  aggregateBy: string[];
  /** Labels that tell one worker from another on the `instance:` series. */
  instanceLabels: string[];
  /** The rate window of recorded series (default `5m`; at least 4 scrape intervals). */
  rateWindow: string;
  /** Which engines' native series (scraped directly from their pods) to map onto the standard set. */
  engines: { vllm: boolean; tgi: boolean; sglang: boolean; llamacpp: boolean };
  thresholds: Thresholds;
  slos: Slos;
  /** Days of the SLO period and its error budget (default 30). */
  sloPeriodDays: number;
  /**
   * How often the SLO windows of a day and longer are evaluated (default `1m`): each evaluation
   * reads the whole window of recorded 5-minute rates.
   */
  sloLongWindowInterval: string;
  /** Alerts by name: `for`, `severity`, or `disabled`. */
  alerts: Record<string, AlertOverride>;
  /** Labels added to every alert, e.g. `{ team: 'inference' }`. */
  alertLabels: Record<string, string>;
  /** Where the runbooks live; each alert links to `<runbookBaseUrl>/<alert>.md`. */
  runbookBaseUrl: string;
  /**
   * Bucket bounds added to the schema's, as given to `createLens({ extraBuckets })`; latency SLOs
   * are checked against them.
   */
  extraBuckets: Partial<Record<MetricId, number[]>>;
  /** Token prices by model name, for cost per million tokens. */
  prices: Record<string, Price>;
  /** Dashboard settings. */
  dashboards: { uidPrefix: string; titlePrefix: string; tags: string[]; refresh: string };
  kubernetes: KubernetesConfig;
  stack: StackConfig;
}

/** A config as users write it: any part may be left out. */
export type MixinConfigInput = {
  [K in keyof MixinConfig]?: MixinConfig[K] extends unknown[]
    ? MixinConfig[K]
    : MixinConfig[K] extends object
      ? Partial<MixinConfig[K]>
      : MixinConfig[K];
};

/**
 * The alert thresholds used when the config leaves them out.
 *
 * @example
 * generateMixin({ thresholds: { kvCacheWarning: DEFAULT_THRESHOLDS.kvCacheWarning - 0.1 } });
 */
export const DEFAULT_THRESHOLDS: Thresholds = {
  kvCacheWarning: 0.7,
  kvCacheCritical: 0.9,
  kvCacheExhausted: 0.95,
  queueWorkerWarning: 5,
  queueWorkerCritical: 10,
  queueModelWarning: 20,
  queueModelCritical: 50,
  gpuMemoryWarning: 0.8,
  gpuMemoryCritical: 0.95,
  e2eLatencyP95Seconds: 10,
  httpLatencyP95Seconds: 1,
  errorRatio: 0.05,
  prefixCacheHitRateMin: 0.3,
  preemptionsPerSecond: 0.1,
  minTokensPerSecond: 100,
  sourceStaleSeconds: 120,
};

/**
 * The defaults, as a fresh object.
 *
 * @example
 * defaultConfig().thresholds.queueWorkerWarning; // 5
 */
export function defaultConfig(): MixinConfig {
  return {
    selector: '',
    aggregateBy: ['namespace', 'job', 'model_name', 'engine', 'vantage'],
    instanceLabels: ['instance', 'pod', 'worker_id', 'target'],
    rateWindow: '5m',
    engines: { vllm: true, tgi: true, sglang: true, llamacpp: true },
    thresholds: { ...DEFAULT_THRESHOLDS },
    slos: {
      availability: { objective: 0.99 },
      e2eLatency: { objective: 0.95, thresholdSeconds: 5 },
      ttft: { objective: 0.99, thresholdSeconds: 0.5 },
    },
    sloPeriodDays: 30,
    sloLongWindowInterval: '1m',
    alerts: {},
    alertLabels: {},
    runbookBaseUrl: 'https://github.com/inferlens/inferlens/blob/main/docs/runbooks',
    extraBuckets: {},
    prices: {},
    dashboards: {
      uidPrefix: 'inferlens',
      titlePrefix: 'LLM',
      tags: ['inferlens', 'llm'],
      refresh: '30s',
    },
    kubernetes: {
      namespace: 'monitoring',
      targetNamespaces: [],
      labels: { release: 'prometheus' },
      app: {
        selector: { 'app.kubernetes.io/name': 'inferlens-app' },
        port: 'http',
        path: '/metrics',
        interval: '30s',
      },
      engines: {
        selector: { 'llmd.ai/gather-metrics': 'true' },
        port: 'metrics',
        path: '/metrics',
        interval: '30s',
      },
      dashboardLabels: { grafana_dashboard: '1' },
    },
    stack: {
      jobs: { inferlens: ['127.0.0.1:8787'] },
      interval: '15s',
      alertmanager: '127.0.0.1:9093',
      webhookUrl: 'http://127.0.0.1:5001/alerts',
      prometheusUrl: 'http://127.0.0.1:9090',
    },
  };
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const SECTIONS = ['thresholds', 'slos', 'dashboards', 'kubernetes', 'stack', 'engines'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Fills in the defaults and checks every field, failing with a message that names the field.
 *
 * @example
 * resolveConfig({ thresholds: { kvCacheWarning: 0.8 }, prices: { 'llama-3-8b': { input: 0.05, output: 0.1 } } })
 */
export function resolveConfig(input: MixinConfigInput = {}): MixinConfig {
  if (!isObject(input)) fail('config: give an object');
  const base = defaultConfig();
  const known = new Set(Object.keys(base));
  const unknown = Object.keys(input).filter((k) => !known.has(k));
  if (unknown.length) fail(`config: unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}`);
  const out = { ...base, ...input } as MixinConfig;
  for (const section of SECTIONS) {
    const given = (input as Record<string, unknown>)[section];
    if (given === undefined) continue;
    if (!isObject(given)) fail(`${section}: give an object`);
    const allowed = Object.keys(base[section]);
    const extra = Object.keys(given).filter((k) => !allowed.includes(k));
    if (extra.length) fail(`${section}: unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')}`);
    (out as unknown as Record<string, unknown>)[section] = { ...base[section], ...given };
  }
  if (isObject(input.kubernetes)) {
    for (const t of ['app', 'engines'] as const)
      if (input.kubernetes[t] !== undefined) {
        if (!isObject(input.kubernetes[t])) fail(`kubernetes.${t}: give an object`);
        out.kubernetes[t] = { ...base.kubernetes[t], ...input.kubernetes[t] };
      }
  }
  validate(out);
  return out;
}

function validate(c: MixinConfig): void {
  if (typeof c.selector !== 'string') fail('selector: give label matchers as a string');
  if (/[{}]/.test(c.selector))
    fail('selector: give the matchers without braces, e.g. namespace="llm"');
  labelList('aggregateBy', c.aggregateBy);
  labelList('instanceLabels', c.instanceLabels);
  for (const l of ['model_name', 'engine'])
    if (!c.aggregateBy.includes(l))
      fail(
        `aggregateBy: must keep "${l}" (histograms of different engines have different buckets)`,
      );
  duration('rateWindow', c.rateWindow);
  for (const [k, v] of Object.entries(c.engines))
    if (typeof v !== 'boolean') fail(`engines.${k}: must be true or false`);
  for (const [k, v] of Object.entries(c.thresholds))
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      fail(`thresholds.${k}: must be a non-negative finite number`);
  const t = c.thresholds;
  for (const k of [
    'kvCacheWarning',
    'kvCacheCritical',
    'kvCacheExhausted',
    'gpuMemoryWarning',
    'gpuMemoryCritical',
    'errorRatio',
    'prefixCacheHitRateMin',
  ] as const)
    if (t[k] > 1) fail(`thresholds.${k}: is a ratio from 0 to 1, got ${t[k]}`);
  order('thresholds.kvCacheWarning', t.kvCacheWarning, 'kvCacheCritical', t.kvCacheCritical);
  order(
    'thresholds.queueWorkerWarning',
    t.queueWorkerWarning,
    'queueWorkerCritical',
    t.queueWorkerCritical,
  );
  order(
    'thresholds.queueModelWarning',
    t.queueModelWarning,
    'queueModelCritical',
    t.queueModelCritical,
  );
  order(
    'thresholds.gpuMemoryWarning',
    t.gpuMemoryWarning,
    'gpuMemoryCritical',
    t.gpuMemoryCritical,
  );
  for (const [name, slo] of Object.entries(c.slos)) {
    if (slo === false) continue;
    if (!isObject(slo)) fail(`slos.${name}: give an object or false`);
    const o = slo.objective;
    if (typeof o !== 'number' || !(o > 0 && o < 1))
      fail(`slos.${name}.objective: must be a number between 0 and 1 (exclusive), e.g. 0.99`);
    if ('thresholdSeconds' in slo) {
      const s = (slo as unknown as LatencySlo).thresholdSeconds;
      if (typeof s !== 'number' || !(s > 0) || !Number.isFinite(s))
        fail(`slos.${name}.thresholdSeconds: must be a positive number of seconds`);
    }
  }
  if (!Number.isInteger(c.sloPeriodDays) || c.sloPeriodDays < 1 || c.sloPeriodDays > 365)
    fail('sloPeriodDays: must be a whole number of days from 1 to 365');
  duration('sloLongWindowInterval', c.sloLongWindowInterval);
  if (!isObject(c.alerts))
    fail('alerts: give an object of alert name -> { for, severity, disabled }');
  for (const [name, o] of Object.entries(c.alerts)) {
    if (!isObject(o)) fail(`alerts.${name}: give an object`);
    if (o.for !== undefined) duration(`alerts.${name}.for`, o.for as string);
    if (o.severity !== undefined && !['info', 'warning', 'critical'].includes(o.severity as string))
      fail(`alerts.${name}.severity: must be info, warning or critical`);
  }
  labelMap('alertLabels', c.alertLabels);
  if (typeof c.runbookBaseUrl !== 'string' || !/^https?:\/\//.test(c.runbookBaseUrl))
    fail('runbookBaseUrl: must be an http(s) URL');
  if (!isObject(c.extraBuckets)) fail('extraBuckets: give an object of metric id -> bounds');
  for (const [id, bounds] of Object.entries(c.extraBuckets)) {
    if (!(id in schema) || schema[id as MetricId].kind !== 'histogram')
      fail(`extraBuckets: "${id}" is not a histogram of the schema`);
    if (!Array.isArray(bounds) || bounds.some((b) => typeof b !== 'number' || !Number.isFinite(b)))
      fail(`extraBuckets.${id}: give an array of finite numbers`);
  }
  if (!isObject(c.prices)) fail('prices: give an object of model name -> { input, output }');
  for (const [model, p] of Object.entries(c.prices)) {
    if (!isObject(p)) fail(`prices["${model}"]: give { input, output } in USD per million tokens`);
    for (const k of ['input', 'output'] as const)
      if (typeof p[k] !== 'number' || !Number.isFinite(p[k]) || (p[k] as number) < 0)
        fail(`prices["${model}"].${k}: must be a non-negative number of USD per million tokens`);
  }
  const d = c.dashboards;
  // The longest dashboard suffix is `-llm-overview` (13): Grafana uids are at most 40.
  if (typeof d.uidPrefix !== 'string' || !/^[a-zA-Z0-9_-]{1,27}$/.test(d.uidPrefix))
    fail('dashboards.uidPrefix: 1 to 27 letters, digits, - or _ (Grafana uids are at most 40)');
  if (typeof d.titlePrefix !== 'string') fail('dashboards.titlePrefix: give a string');
  if (!Array.isArray(d.tags) || d.tags.some((x) => typeof x !== 'string'))
    fail('dashboards.tags: give an array of strings');
  duration('dashboards.refresh', d.refresh);
  const k = c.kubernetes;
  if (typeof k.namespace !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(k.namespace))
    fail('kubernetes.namespace: must be a DNS label (lower case letters, digits and -)');
  if (!Array.isArray(k.targetNamespaces)) fail('kubernetes.targetNamespaces: give an array');
  labelMap('kubernetes.labels', k.labels, true);
  labelMap('kubernetes.dashboardLabels', k.dashboardLabels, true);
  for (const t of ['app', 'engines'] as const) {
    const s = k[t];
    labelMap(`kubernetes.${t}.selector`, s.selector, true);
    if (Object.keys(s.selector).length === 0)
      fail(
        `kubernetes.${t}.selector: give at least one label (an empty selector matches everything)`,
      );
    if (typeof s.port !== 'string' || s.port === '')
      fail(`kubernetes.${t}.port: give the port's name`);
    if (typeof s.path !== 'string' || !s.path.startsWith('/'))
      fail(`kubernetes.${t}.path: must start with /`);
    duration(`kubernetes.${t}.interval`, s.interval);
  }
  const st = c.stack;
  if (!isObject(st.jobs) || Object.keys(st.jobs).length === 0)
    fail('stack.jobs: give at least one job: { name: ["host:port", …] }');
  for (const [job, targets] of Object.entries(st.jobs))
    if (
      !Array.isArray(targets) ||
      targets.some((x) => typeof x !== 'string' || !/^[^/\s]+:\d+$/.test(x))
    )
      fail(`stack.jobs.${job}: give targets as "host:port" strings`);
  duration('stack.interval', st.interval);
  for (const f of ['webhookUrl', 'prometheusUrl'] as const)
    if (typeof st[f] !== 'string' || !/^https?:\/\//.test(st[f]))
      fail(`stack.${f}: must be an http(s) URL`);
  if (typeof st.alertmanager !== 'string' || !/^[^/\s]+:\d+$/.test(st.alertmanager))
    fail('stack.alertmanager: give "host:port"');
}

function labelList(field: string, v: unknown): void {
  if (!Array.isArray(v) || v.some((l) => typeof l !== 'string' || !LABEL_NAME.test(l)))
    fail(`${field}: give an array of label names`);
}

function labelMap(field: string, v: unknown, k8s = false): void {
  if (!isObject(v)) fail(`${field}: give an object of label name -> value`);
  for (const [name, value] of Object.entries(v)) {
    if (
      !(k8s ? /^([a-z0-9.-]+\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/ : LABEL_NAME).test(name)
    )
      fail(`${field}: "${name}" is not a valid label name`);
    if (typeof value !== 'string') fail(`${field}.${name}: must be a string`);
  }
}

function duration(field: string, v: string): void {
  if (typeof v !== 'string' || !DURATION.test(v))
    fail(`${field}: "${String(v)}" is not a Prometheus duration such as 30s, 5m or 1h`);
}

function order(field: string, low: number, highName: string, high: number): void {
  if (low > high) fail(`${field}: must not be above ${highName} (${low} > ${high})`);
}
