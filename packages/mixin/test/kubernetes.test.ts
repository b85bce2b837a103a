import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { defaultConfig, generateMixin } from '../src/index.js';
import { kubernetesObjects } from '../src/kubernetes.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const file = (m: ReturnType<typeof generateMixin>, path: string) => {
  const f = m.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among ${m.files.map((x) => x.path).join(', ')}`);
  return parse(f.content);
};

describe('Kubernetes objects', () => {
  const m = generateMixin({
    kubernetes: {
      namespace: 'llm-monitoring',
      labels: { release: 'kube-prometheus-stack' },
      targetNamespaces: ['llm'],
      engines: {
        selector: { 'llmd.ai/gather-metrics': 'true' },
        port: 'vllm',
        path: '/metrics',
        interval: '15s',
      },
    },
  });

  it('read back from the written YAML, each passes its CRD schema (a schema-checking library, not templates)', () => {
    const kinds = { ServiceMonitor, PodMonitor, PrometheusRule, ConfigMap } as const;
    const objects = m.files.filter((f) => f.path.startsWith('kubernetes/'));
    expect(objects.length).toBeGreaterThanOrEqual(7);
    for (const f of objects) {
      const docs = parseAllDocuments(f.content);
      expect(docs).toHaveLength(1);
      const data = docs[0]!.toJSON() as { kind: keyof typeof kinds };
      const Kind = kinds[data.kind];
      expect(Kind, f.path).toBeDefined();
      expect(() => new Kind(data as never).validate(), f.path).not.toThrow();
    }
  });

  it('PodMonitor selects engine pods by the configured label, port and path; labels let Prometheus select it', () => {
    const pm = file(m, 'kubernetes/podmonitor-engines.yaml');
    expect(pm.metadata).toMatchObject({
      namespace: 'llm-monitoring',
      labels: { release: 'kube-prometheus-stack' },
    });
    expect(pm.spec.selector.matchLabels).toEqual({ 'llmd.ai/gather-metrics': 'true' });
    expect(pm.spec.namespaceSelector).toEqual({ matchNames: ['llm'] });
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({
      port: 'vllm',
      path: '/metrics',
      interval: '15s',
    });
    const sm = file(m, 'kubernetes/servicemonitor-app.yaml');
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
  });

  it('PrometheusRule holds exactly the rule groups of the rule files; dashboards are sidecar ConfigMaps', () => {
    const pr = file(m, 'kubernetes/prometheusrule.yaml');
    const fromFiles = ['recording', 'alerts', 'slo'].flatMap(
      (k) =>
        file(m, `prometheus/rules/inferlens-${k === 'recording' ? 'recording' : k}.rules.yml`)
          .groups,
    );
    expect(pr.spec.groups).toEqual(fromFiles);
    const cms = m.files.filter((f) => f.path.startsWith('kubernetes/configmap-dashboard-'));
    expect(cms).toHaveLength(m.dashboards.length);
    for (const f of cms) {
      const cm = parse(f.content);
      expect(cm.metadata.labels.grafana_dashboard).toBe('1');
      const [name, json] = Object.entries(cm.data as Record<string, string>)[0]!;
      expect(name).toMatch(/\.json$/);
      expect(JSON.parse(json).uid).toMatch(/^inferlens-/);
    }
  });

  it('an object that breaks its schema fails generation, naming the file', () => {
    const c = defaultConfig();
    // Past the config's own checks, straight into the models: the CRD's duration pattern refuses it.
    c.kubernetes.engines.interval = 'every minute';
    expect(() => kubernetesObjects(c, [], [])).toThrow(
      /^\[@inferlens\/mixin\] kubernetes: podmonitor-engines\.yaml does not pass its schema/,
    );
  });
});

describe('local stack and command', () => {
  it('prometheus.yml loads the rule files and sends to Alertmanager; promtool accepts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inferlens-mixin-stack-'));
    dirs.push(dir);
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const config = join(dir, 'mixin.yaml');
    writeFileSync(
      config,
      'stack:\n  jobs:\n    app: ["127.0.0.1:8787", "127.0.0.1:8788"]\n  interval: 5s\nprices:\n  llama-3-8b: { input: 0.05, output: 0.1 }\n',
    );
    const out = join(dir, 'out');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', cli, '--out', out, '--config', config],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toContain('warning: slos.e2eLatency: tgi');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote \d+ files to /);
    const prom = parse(readFileSync(join(out, 'prometheus/prometheus.yml'), 'utf8'));
    expect(prom.rule_files).toEqual([
      'rules/inferlens-recording.rules.yml',
      'rules/inferlens-alerts.rules.yml',
      'rules/inferlens-slo.rules.yml',
    ]);
    expect(prom.scrape_configs[0].static_configs[0].targets).toEqual([
      '127.0.0.1:8787',
      '127.0.0.1:8788',
    ]);
    expect(prom.global).toMatchObject({ scrape_interval: '5s', scrape_timeout: '5s' });
    const check = spawnSync(
      'promtool',
      ['check', 'config', join(out, 'prometheus/prometheus.yml')],
      {
        encoding: 'utf8',
      },
    );
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
    const amtool = spawnSync(
      'amtool',
      ['check-config', join(out, 'alertmanager/alertmanager.yml')],
      {
        encoding: 'utf8',
      },
    );
    // Debian's prometheus-alertmanager ships amtool.
    expect(amtool.stdout + amtool.stderr).toContain('SUCCESS');
    const ds = parse(
      readFileSync(join(out, 'grafana/provisioning/datasources/inferlens.yaml'), 'utf8'),
    );
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', uid: 'prometheus' });
    const provider = parse(
      readFileSync(join(out, 'grafana/provisioning/dashboards/inferlens.yaml'), 'utf8'),
    );
    expect(existsSync(provider.providers[0].options.path)).toBe(true);
  });

  it('the command fails on bad config with the field named and exit code 2, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inferlens-mixin-bad-'));
    dirs.push(dir);
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ thresholds: { kvCacheWarning: 2 } }));
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', cli, '--out', join(dir, 'o'), '--config', config],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('thresholds.kvCacheWarning: is a ratio from 0 to 1, got 2');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const usage = spawnSync(process.execPath, ['--import', 'tsx', cli], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--out is required');
  });
});
