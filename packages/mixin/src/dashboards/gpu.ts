import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { MixinConfig } from '../config.js';
import { by, metric, sel } from '../promql.js';
import { recorded } from '../recording.js';
import { Board, match, steps } from './common.js';

/** The labels a host's recorded GPU series keep (recording.ts sums energy and tokens by these). */
const HOST = ['namespace', 'job', 'instance', 'pod'];

/**
 * GPUs: utilization, memory, power, energy, temperature and energy per token. NVML has no
 * throttle-reasons row in the schema, so there is no throttle panel.
 */
export function gpuDashboard(c: MixinConfig): Dashboard {
  const w = c.rateWindow;
  const host = [
    match('namespace', 'namespace'),
    match('job', 'job'),
    match('instance', 'instance'),
  ];
  const f = [...host, match('gpu', 'gpu')];
  // The config's selector narrows raw series as the recording rules do; recorded ones are narrowed already.
  const raw = (id: Parameters<typeof metric>[0]) => sel(metric(id), c.selector, ...f);
  const gpuLegend = '{{instance}} {{pod}} GPU {{gpu}} {{name}}';
  const hostLegend = '{{instance}} {{pod}}';
  const t = c.thresholds;

  const b = new Board(
    c,
    'llm-gpu',
    'GPU',
    'GPUs of the inference workers, from NVML (@inferlens/nvml): utilization, memory, power, energy, temperature, and energy per generated token where GPU and LLM series come from the same instance.',
  ).variables(recorded.gpuMemoryRatio, [
    { name: 'namespace', label: 'Namespace', of: 'namespace' },
    { name: 'job', label: 'Job', of: 'job' },
    { name: 'instance', label: 'Instance', of: 'instance' },
    { name: 'gpu', label: 'GPU', of: 'gpu' },
  ]);

  b.row('Load and memory')
    .timeseries({
      title: 'GPU utilization',
      description:
        'Share of time one or more kernels ran on each GPU (NVML utilization.gpu), 0 to 100 %.',
      unit: 'percentunit',
      queries: [{ expr: raw('gpuUtilization'), legend: gpuLegend }],
    })
    .timeseries({
      title: 'GPU memory used and total',
      description: 'Device memory in use and the total, per GPU and worker (NVML memory info).',
      unit: 'bytes',
      queries: [
        { expr: raw('gpuMemoryUsed'), legend: `used ${gpuLegend}` },
        { expr: raw('gpuMemoryTotal'), legend: `total ${gpuLegend}` },
      ],
    })
    .timeseries({
      title: 'GPU memory used (share)',
      description:
        'Device memory used ÷ total per GPU. The thresholds are the GPU-memory alert levels; an engine that preallocates its KV cache (vLLM) sits near its gpu_memory_utilization setting.',
      unit: 'percentunit',
      queries: [{ expr: sel(recorded.gpuMemoryRatio, ...f), legend: gpuLegend }],
      thresholds: steps('green', ['orange', t.gpuMemoryWarning], ['red', t.gpuMemoryCritical]),
    });

  b.row('Power and heat')
    .timeseries({
      title: 'Power',
      description:
        'Power draw of each GPU and its enforced limit (NVML), and the mean power of all GPUs of a worker over the rate window, from the energy counter.',
      unit: 'watt',
      queries: [
        { expr: raw('gpuPowerDraw'), legend: `draw ${gpuLegend}` },
        { expr: raw('gpuPowerLimit'), legend: `limit ${gpuLegend}` },
        { expr: sel(recorded.gpuPower(w), ...host), legend: `all GPUs ${hostLegend}` },
      ],
    })
    .stat({
      title: 'Energy',
      description:
        'Energy all GPUs of each worker used over the dashboard’s time range (NVML total energy counter).',
      unit: 'joule',
      queries: [
        {
          expr: `sum ${by(HOST)} (increase(${raw('gpuEnergy')}[$__range]))`,
          legend: hostLegend,
        },
      ],
    })
    .timeseries({
      title: 'Temperature',
      description:
        'GPU core temperature. Above about 85 °C most data-centre GPUs start to slow their clocks.',
      unit: 'celsius',
      queries: [{ expr: raw('gpuTemperature'), legend: gpuLegend }],
      thresholds: steps('green', ['orange', 80], ['red', 90]),
    });

  b.row('Efficiency')
    .timeseries({
      title: 'Energy per generated token',
      description:
        'GPU energy ÷ generated tokens of the same instance, in joules per token: GPU power of a worker over its token rate. Only where GPU and LLM series come from one process.',
      unit: 'joule',
      queries: [{ expr: sel(recorded.energyPerToken(w), ...host), legend: hostLegend }],
      w: 12,
    })
    .timeseries({
      title: 'Tokens per joule',
      description:
        'Generated tokens per joule of GPU energy on the same instance: higher is more efficient.',
      unit: 'short',
      queries: [{ expr: sel(recorded.tokensPerJoule(w), ...host), legend: hostLegend }],
      w: 12,
    });
  return b.build();
}
