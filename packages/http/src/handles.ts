import type {
  CounterSeries,
  GaugeSeries,
  HistogramSeries,
  Lens,
  SummarySeries,
} from '@inferlens/core/internal';
import { OUTCOMES, type Outcome, statusLabel } from './labels.js';

/** The HTTP rows the middleware records into when a request ends; custom labels go on each. */
export const ROWS = [
  'httpRequests',
  'httpRequestDuration',
  'httpRequestDurationSummary',
  'httpTimeToFirstByte',
  'httpRequestSize',
  'httpResponseSize',
] as const;

/** What the requests of one method share: the in-flight gauge and the handles of each route. */
export interface MethodSeries {
  readonly inFlight: GaugeSeries;
  /** By route (and custom label values), bounded by the recorder. */
  readonly routes: Map<string, RouteHandles>;
}

/** Series one (status, outcome) pair of a route writes. */
interface StatusHandles {
  requests: CounterSeries;
  duration: HistogramSeries;
  /** The opt-in duration summary; undefined unless the `summary` option is on. */
  quantiles: SummarySeries | undefined;
  responseSize: HistogramSeries;
}

/**
 * Every series one (method, route, custom labels) combination touches, resolved on first use. The
 * label values go to each row by name, so a row that gains or loses a label in the schema needs no
 * change here.
 */
export class RouteHandles {
  readonly timeToFirstByte: HistogramSeries;
  readonly requestSize: HistogramSeries;
  readonly #lens: Lens;
  readonly #values: Record<string, string>;
  readonly #group: boolean;
  readonly #summary: boolean;
  readonly #byStatus = new Map<number, StatusHandles>();

  constructor(lens: Lens, values: Record<string, string>, groupStatus: boolean, summary: boolean) {
    this.#lens = lens;
    this.#values = values;
    this.#group = groupStatus;
    this.#summary = summary;
    this.timeToFirstByte = this.#series('httpTimeToFirstByte', values);
    this.requestSize = this.#series('httpRequestSize', values);
  }

  /** Handles of one status and outcome; status codes are few, so the map stays small. */
  status(status: number, outcome: Outcome): StatusHandles {
    const code = this.#group ? Math.floor(status / 100) : status;
    const key = code * 4 + OUTCOMES.indexOf(outcome);
    let h = this.#byStatus.get(key);
    if (h === undefined) {
      const values = { ...this.#values, status: statusLabel(status, this.#group), outcome };
      h = {
        requests: this.#series('httpRequests', values),
        duration: this.#series('httpRequestDuration', values),
        quantiles: this.#summary ? this.#series('httpRequestDurationSummary', values) : undefined,
        responseSize: this.#series('httpResponseSize', values),
      };
      // Out-of-range codes share one label value but not one key; keep the map bounded anyway.
      if (this.#byStatus.size < 2000) this.#byStatus.set(key, h);
    }
    return h;
  }

  #series<Id extends (typeof ROWS)[number]>(id: Id, values: Record<string, string>) {
    const family = this.#lens.store.family(id);
    return family.series(family.ownLabelNames.map((n) => values[n] ?? ''));
  }
}
