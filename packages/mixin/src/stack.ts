import { ALERTS } from './alerts.js';
import type { MixinConfig } from './config.js';
import { seconds } from './promql.js';

/** `prometheus.yml` for a local Prometheus: the config's jobs, the rule files, Alertmanager. */
export function prometheusConfig(c: MixinConfig, ruleFiles: string[]): object {
  return {
    global: {
      scrape_interval: c.stack.interval,
      // Prometheus refuses a timeout longer than the interval; its default is 10 s.
      scrape_timeout: seconds(c.stack.interval) < 10 ? c.stack.interval : '10s',
      evaluation_interval: c.stack.interval,
    },
    rule_files: ruleFiles,
    alerting: { alertmanagers: [{ static_configs: [{ targets: [c.stack.alertmanager] }] }] },
    scrape_configs: Object.entries(c.stack.jobs).map(([job, targets]) => ({
      job_name: job,
      static_configs: [{ targets }],
    })),
  };
}

/**
 * `alertmanager.yml`: every alert to one webhook, grouped per alert and model; a critical alert
 * mutes the warning of the same family (KV cache, queue, GPU memory) on the same series.
 */
export function alertmanagerConfig(c: MixinConfig): object {
  const families = new Map<string, { warning?: string; critical?: string }>();
  for (const a of ALERTS) {
    if (!a.family || a.severity === 'info') continue;
    const f = families.get(a.family) ?? {};
    f[a.severity] = a.name;
    families.set(a.family, f);
  }
  return {
    route: {
      receiver: 'webhook',
      group_by: ['alertname', 'namespace', 'model_name'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
    },
    receivers: [
      { name: 'webhook', webhook_configs: [{ url: c.stack.webhookUrl, send_resolved: true }] },
    ],
    inhibit_rules: [...families.values()]
      .filter((f) => f.warning && f.critical)
      .map((f) => ({
        source_matchers: [`alertname="${f.critical}"`],
        target_matchers: [`alertname="${f.warning}"`],
        equal: ['namespace', 'job', 'instance', 'model_name', 'gpu'],
      })),
  };
}

/** Grafana provisioning: the Prometheus datasource and a file provider for the dashboards. */
export function grafanaProvisioning(
  c: MixinConfig,
  dashboardsPath: string,
): { datasource: object; dashboards: object } {
  return {
    datasource: {
      apiVersion: 1,
      datasources: [
        {
          name: 'Prometheus',
          type: 'prometheus',
          uid: 'prometheus',
          access: 'proxy',
          url: c.stack.prometheusUrl,
          isDefault: true,
        },
      ],
    },
    dashboards: {
      apiVersion: 1,
      providers: [
        {
          name: 'inferlens',
          type: 'file',
          folder: 'inferlens',
          allowUiUpdates: false,
          options: { path: dashboardsPath, foldersFromFilesStructure: false },
        },
      ],
    },
  };
}
