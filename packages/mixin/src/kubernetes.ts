import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { MixinConfig } from './config.js';
import type { RuleGroup } from './promql.js';

/** A Kubernetes object as the typed models build it (each validated against its CRD schema). */
export type KubernetesObject = ServiceMonitor | PodMonitor | PrometheusRule | ConfigMap;

const NAME = 'inferlens';

/**
 * The prometheus-operator objects and dashboard ConfigMaps for a cluster: a ServiceMonitor for the
 * inferlens-instrumented app or gateway, a PodMonitor for engine pods scraped directly (vLLM, TGI,
 * llm-d prefill and decode pods), the rules as a PrometheusRule, and each dashboard as a ConfigMap
 * the Grafana sidecar loads. Every object is checked with `.validate()` before it is returned.
 */
export function kubernetesObjects(
  c: MixinConfig,
  groups: RuleGroup[],
  dashboards: { file: string; json: string }[],
): { file: string; object: KubernetesObject }[] {
  const k = c.kubernetes;
  const meta = (name: string, labels: Record<string, string> = {}) => ({
    name,
    namespace: k.namespace,
    labels: { 'app.kubernetes.io/part-of': NAME, ...k.labels, ...labels },
  });
  const namespaceSelector = k.targetNamespaces.length
    ? { matchNames: k.targetNamespaces }
    : { any: true };
  const out: { file: string; object: KubernetesObject }[] = [
    {
      file: 'servicemonitor-app.yaml',
      object: new ServiceMonitor({
        metadata: meta(`${NAME}-app`),
        spec: {
          selector: { matchLabels: k.app.selector },
          namespaceSelector,
          endpoints: [{ port: k.app.port, path: k.app.path, interval: k.app.interval as never }],
        },
      }),
    },
    {
      file: 'podmonitor-engines.yaml',
      object: new PodMonitor({
        metadata: meta(`${NAME}-engines`),
        spec: {
          selector: { matchLabels: k.engines.selector },
          namespaceSelector,
          podMetricsEndpoints: [
            {
              port: k.engines.port,
              path: k.engines.path,
              interval: k.engines.interval as never,
              // The pod's own name and the llm-d role (prefill / decode) travel with its series.
              relabelings: [
                { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
                {
                  sourceLabels: ['__meta_kubernetes_pod_label_llm_d_ai_role'],
                  targetLabel: 'role',
                },
              ],
            },
          ],
        },
      }),
    },
    {
      file: 'prometheusrule.yaml',
      object: new PrometheusRule({
        metadata: meta(`${NAME}-rules`),
        spec: { groups: groups as never },
      }),
    },
    ...dashboards.map((d) => ({
      file: `configmap-dashboard-${d.file.replace(/\.json$/, '')}.yaml`,
      object: new ConfigMap({
        metadata: meta(`${NAME}-dashboard-${d.file.replace(/\.json$/, '')}`, k.dashboardLabels),
        data: { [d.file]: d.json },
      }),
    })),
  ];
  for (const { file, object } of out) {
    try {
      object.validate();
    } catch (error) {
      throw new TypeError(
        `[@inferlens/mixin] kubernetes: ${file} does not pass its schema: ${(error as Error).message}`,
      );
    }
  }
  return out;
}
