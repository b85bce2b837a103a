import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { MixinConfig, Slos } from '../config.js';
import { sel } from '../promql.js';
import { BURN_RATES, describe, SLO_KINDS, sloSeries } from '../slo.js';
import { Board, steps } from './common.js';
import { legendOf, modelFilters, seriesKeys } from './models.js';

/** Windows the burn-rate panel draws: the SRE workbook's alert windows. */
const BURN_WINDOWS = ['5m', '1h', '6h', '1d', '3d'] as const;

/** The enabled SLOs, by config key, in the order slo.ts records them. */
export const enabledSlos = (c: MixinConfig): (keyof Slos)[] =>
  (Object.keys(SLO_KINDS) as (keyof Slos)[]).filter((k) => c.slos[k] !== false);

/** Per SLO: the error ratio now, the error budget left over the period, and burn rates. */
export function sloDashboard(c: MixinConfig): Dashboard {
  const f = modelFilters;
  const legend = legendOf(seriesKeys(c));
  const b = new Board(
    c,
    'llm-slo',
    'SLOs',
    `Service-level objectives of LLM serving over ${c.sloPeriodDays} days: the error ratio now, the error budget left, and how fast it burns (1× spends it exactly in ${c.sloPeriodDays} days).`,
  ).variables(sloSeries.ratio('5m'), [
    { name: 'namespace', label: 'Namespace', of: 'namespace' },
    { name: 'job', label: 'Job', of: 'job' },
    { name: 'model', label: 'Model', of: 'model_name' },
    { name: 'engine', label: 'Engine', of: 'engine' },
    { name: 'vantage', label: 'Vantage', of: 'vantage' },
  ]);

  const factors = [...new Set(BURN_RATES.map((r) => r.factor))].sort((a, z) => a - z);
  const colours = ['yellow', 'orange', 'red', 'dark-red'];
  const burnSteps = steps(
    'green',
    ...factors.map((v, i): [string, number] => [colours[i] ?? 'dark-red', v]),
  );
  for (const key of enabledSlos(c)) {
    const slo = c.slos[key] as Exclude<Slos[typeof key], false>;
    const name = SLO_KINDS[key].slo;
    const only = `slo="${name}"`;
    const budget = +(1 - slo.objective).toPrecision(12);
    const burn = (window: string) =>
      window === '5m'
        ? sel(sloSeries.currentBurn, only, ...f)
        : `${sel(sloSeries.ratio(window), only, ...f)} / on (slo) group_left () ${sel(sloSeries.budget, only)}`;
    b.row(`SLO ${name}: ${describe(key, slo)}`)
      .stat({
        title: `${name}: error ratio now`,
        description: `Share of requests that missed the ${name} objective (${describe(key, slo)}) over the last 5 minutes. Red above the error budget, ${budget}.`,
        unit: 'percentunit',
        queries: [{ expr: sel(sloSeries.ratio('5m'), only, ...f), legend }],
        thresholds: steps('green', ['red', budget]),
        w: 6,
      })
      .stat({
        title: `${name}: error budget left (${c.sloPeriodDays} d)`,
        description: `Share of the ${c.sloPeriodDays}-day error budget (${budget} of requests) not yet spent: 1 − error ratio over ${c.sloPeriodDays} days ÷ budget. Below 0 the SLO is missed.`,
        unit: 'percentunit',
        queries: [{ expr: sel(sloSeries.remaining, only, ...f), legend }],
        thresholds: steps('red', ['orange', 0], ['green', 0.25]),
        w: 6,
      })
      .timeseries({
        title: `${name}: burn rate`,
        description: `Error ratio ÷ error budget over ${BURN_WINDOWS.join(', ')}: 1 spends the budget in exactly ${c.sloPeriodDays} days. The alerts page at ${BURN_RATES.filter(
          (r) => r.speed === 'Fast',
        )
          .map((r) => `${r.factor}× over ${r.long} and ${r.short}`)
          .join(' or ')}, and open a ticket at ${BURN_RATES.filter((r) => r.speed === 'Slow')
          .map((r) => `${r.factor}× over ${r.long} and ${r.short}`)
          .join(' or ')}.`,
        unit: 'short',
        queries: BURN_WINDOWS.map((window) => ({
          expr: burn(window),
          legend: `${window} ${legend}`,
        })),
        thresholds: burnSteps,
        w: 12,
      });
  }
  return b.build();
}
