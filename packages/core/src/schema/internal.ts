import type { MetricDefinition } from './types.js';

/** The SDK's own health: what it refused and what it folded. */
export const internalMetrics = {
  seriesOverflow: {
    kind: 'counter',
    unit: '{series}',
    promUnit: '',
    help: 'Distinct label sets folded into a metric’s overflow series because it reached its series limit.',
    definition:
      'Counts each distinct label set refused by the cardinality guard once, however often it is recorded; its values went to the series labelled otel_metric_overflow="true". Exact up to seriesLimit folded sets per metric; past that, each lookup of a set not remembered counts.',
    scope: 'none',
    labels: ['metric'],
    prometheus: 'inferlens_series_overflow_total',
    otel: 'inferlens.series.overflow',
    semconv: false,
  },
  eventsDropped: {
    kind: 'counter',
    unit: '{event}',
    promUnit: '',
    help: 'Engine events and tracker calls skipped as invalid, by reason.',
    definition:
      'unknown_id, duplicate, out_of_order, after_end, invalid_event, invalid_value, expired (a request that never ended), stopped, listener_error, name_clash (a bridged metric whose name we already publish), label_too_long (a label value cut to maxLabelValueBytes), scrape_too_large (a family left out of a scrape that would pass maxScrapeLength, or whose rendering failed).',
    scope: 'none',
    labels: ['reason'],
    prometheus: 'inferlens_events_dropped_total',
    otel: 'inferlens.events.dropped',
    semconv: false,
  },
} as const satisfies Record<string, MetricDefinition>;
