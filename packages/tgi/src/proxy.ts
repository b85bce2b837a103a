import {
  histogramDelta,
  type MirroredHistogram,
  quantileOf,
  type SampleIndex,
} from '@inferlens/engine-source/internal';
import { TGI_TTFT_PROXY } from './names.js';

/** TGI's dashboard computes its TTFT stat over `rate(…[10m])`. */
export const PROXY_WINDOW_MS = 600_000;
const MAX_POINTS = 256;

interface Point {
  wall: number;
  queue: MirroredHistogram;
  prefill: MirroredHistogram;
}

/**
 * The "Time to first token" stat of TGI's own Grafana dashboard, computed from successive scrapes:
 * p50 of `tgi_request_queue_duration` plus p50 of `tgi_batch_inference_duration{method="prefill"}`
 * over the last 10 minutes. A sum of two medians of different things (a request's wait, a batch's
 * prefill), excluding validation: a proxy, labelled as one, never a measured TTFT.
 */
export class TtftProxy {
  readonly #points: Point[] = [];

  /** Adds this scrape; returns the proxy in seconds, or undefined without traffic in the window. */
  update(samples: SampleIndex, wallMs: number): number | undefined {
    const queue = samples.histograms(TGI_TTFT_PROXY.queue)[0]?.histogram;
    const prefill = samples
      .histograms(TGI_TTFT_PROXY.prefill)
      .find((h) => h.labels.method === TGI_TTFT_PROXY.prefillMethod)?.histogram;
    if (!queue || !prefill) return undefined;
    const pts = this.#points;
    pts.push({ wall: wallMs, queue, prefill });
    while (pts.length > MAX_POINTS || (pts.length > 1 && pts[0]!.wall < wallMs - PROXY_WINDOW_MS))
      pts.shift();
    const first = pts[0]!;
    let q = pts.length > 1 ? histogramDelta(queue, first.queue) : queue;
    let p = pts.length > 1 ? histogramDelta(prefill, first.prefill) : prefill;
    if (!q || !p) {
      // TGI restarted (counters went back): start the window again from this scrape.
      pts.splice(0, pts.length - 1);
      q = queue;
      p = prefill;
    }
    const mq = quantileOf(0.5, q);
    const mp = quantileOf(0.5, p);
    return mq === undefined || mp === undefined ? undefined : mq + mp;
  }
}
