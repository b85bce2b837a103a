import {
  createEngineSource,
  type EngineSource,
  type EngineSourceOptions,
} from '@inferlens/engine-source/internal';
import { sglangAdapter } from './adapter.js';

/**
 * Scrapes one or more SGLang servers' `/metrics` (started with `--enable-metrics`) and shows their
 * data under the standard `llm_*` names, labelled `engine="sglang"`, `target` and, under
 * data-parallel attention, `dp_rank`. Histograms keep SGLang's own buckets. A target that is down,
 * slow or sending a bad body is reported in `inferlens_source_up` and
 * `inferlens_source_scrape_errors_total`; the source is a mirror of the lens's store, so
 * `lens.scrape()`, the prom-client bridge and the OTel producer all show its series.
 *
 * @example
 * import { createLens } from '@inferlens/core';
 * import { createSglangSource } from '@inferlens/sglang';
 *
 * const lens = createLens({ engine: 'sglang' });
 * createSglangSource({ lens, targets: ['http://10.0.0.8:30000'] });
 * const { contentType, body } = await lens.scrape('text/plain'); // scrapes the target now
 */
export function createSglangSource(options: EngineSourceOptions): EngineSource {
  return createEngineSource(sglangAdapter, options);
}
