import {
  createEngineSource,
  type EngineSource,
  type EngineSourceOptions,
} from '@inferlens/engine-source/internal';
import { vllmAdapter } from './adapter.js';

/**
 * Scrapes one or more vLLM servers' `/metrics` and shows their data under the standard `llm_*`
 * names, labelled `engine="vllm"`, `target` and, under data parallelism, `dp_rank`. Histograms keep
 * vLLM's own buckets. A target that is down, slow, failing or sending a bad body is reported in
 * `inferlens_source_up` and `inferlens_source_scrape_errors_total`; its last good data stays,
 * marked stale, for `staleAfterMs`. The source is a mirror of the lens's store, so `lens.scrape()`,
 * the prom-client bridge and the OTel producer all show its series.
 *
 * @example
 * import { createLens } from '@inferlens/core';
 * import { createVllmSource } from '@inferlens/vllm';
 *
 * const lens = createLens({ engine: 'vllm' });
 * createVllmSource({ lens, targets: ['http://10.0.0.5:8000', { url: 'http://10.0.0.6:8000', name: 'replica-b' }] });
 * const { contentType, body } = await lens.scrape('text/plain'); // scrapes both targets now
 */
export function createVllmSource(options: EngineSourceOptions): EngineSource {
  return createEngineSource(vllmAdapter, options);
}
