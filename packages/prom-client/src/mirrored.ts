import type { MetricKind, MirroredSeries } from '@inferlens/core/internal';
import type { SampleValue } from './family-metric.js';

/**
 * Appends the samples of one mirrored series to `out`. A value whose shape does not fit the
 * family's kind, or a histogram whose counts do not match its bounds, is left out, as core's
 * exposition leaves it out: never shown wrongly. Histograms keep the engine's own bounds as `le`,
 * and have a `_sum` only when the engine sent one.
 */
export function mirroredSamples(
  name: string,
  kind: MetricKind,
  value: MirroredSeries['value'],
  labels: Readonly<Record<string, string>>,
  out: SampleValue[],
): void {
  // No engine source mirrors a summary; core's exposition shows nothing for one either.
  if (kind === 'summary') return;
  if (typeof value === 'number') {
    if (kind !== 'histogram') out.push({ labels: { ...labels }, value });
    return;
  }
  if (kind !== 'histogram' || value.cumulative.length !== value.bounds.length + 1) return;
  const bucket = `${name}_bucket`;
  for (let i = 0; i < value.cumulative.length; i++) {
    const le = i < value.bounds.length ? String(value.bounds[i]) : '+Inf';
    out.push({ labels: { ...labels, le }, value: value.cumulative[i]!, metricName: bucket });
  }
  if (value.sum !== undefined)
    out.push({ labels: { ...labels }, value: value.sum, metricName: `${name}_sum` });
  out.push({ labels: { ...labels }, value: value.count, metricName: `${name}_count` });
}
