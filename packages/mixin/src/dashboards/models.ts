import type { MixinConfig } from '../config.js';
import { by, sel } from '../promql.js';
import { type RecordedHistogram, recorded } from '../recording.js';
import { match, type Query } from './common.js';

/**
 * The labels a model's series are told apart by on the panels: `aggregateBy` less namespace and
 * job. They include `engine` and `vantage`, so a quantile never adds buckets of different layouts.
 */
export const seriesKeys = (c: MixinConfig): string[] =>
  c.aggregateBy.filter((l) => l !== 'namespace' && l !== 'job');

/** `{{model_name}} {{engine}} {{vantage}}` */
export const legendOf = (labels: readonly string[]): string =>
  labels.map((l) => `{{${l}}}`).join(' ');

/** Matchers of the model variables, as every `model:` and `instance:` query carries them. */
export const modelFilters = [
  match('namespace', 'namespace'),
  match('job', 'job'),
  match('model_name', 'model'),
  match('engine', 'engine'),
  match('vantage', 'vantage'),
];

/** Query builders over the recorded `model:` and `instance:` series, filtered by the variables. */
export function modelQueries(c: MixinConfig) {
  const w = c.rateWindow;
  const keys = seriesKeys(c);
  const workers = [...keys, ...c.instanceLabels.filter((l) => !keys.includes(l))];
  const f = modelFilters;
  const fi = [...f, match('instance', 'instance')];
  const legend = legendOf(keys);
  const k = by(keys);
  /** `sum by (model_name, engine, vantage) (series{filters})` */
  const sum = (series: string, ...m: string[]) => `sum ${k} (${sel(series, ...f, ...m)})`;
  return {
    w,
    keys,
    f,
    legend,
    workerLegend: legendOf(workers),
    sum,
    /** Per bucket layout: buckets are summed by `le` and the keys, which hold engine and vantage. */
    quantile: (id: RecordedHistogram, q: number): Query => ({
      expr: `histogram_quantile(${q}, sum ${by(['le', ...keys])} (${sel(recorded.histogram(id, 'bucket', w), ...f)}))`,
      legend: `p${q * 100} ${legend}`,
    }),
    /** sum ÷ count of a histogram. */
    mean: (id: RecordedHistogram): Query => ({
      expr: `${sum(recorded.histogram(id, 'sum', w))} / ${sum(recorded.histogram(id, 'count', w))}`,
      legend: `mean ${legend}`,
    }),
    /** One series per worker of an `instance:` gauge. */
    byWorker: (op: 'sum' | 'max', series: string) => `${op} ${by(workers)} (${sel(series, ...fi)})`,
  };
}
