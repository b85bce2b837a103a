import {
  createEngineSource,
  type EngineSource,
  type EngineSourceOptions,
} from '@inferlens/engine-source/internal';
import { tgiAdapter } from './adapter.js';
import type { TgiInfo } from './info.js';

/**
 * What {@link createTgiSource} returns: a source, and the `/info` each target last gave.
 *
 * @example
 * const tgi = createTgiSource({ lens, targets: ['http://10.0.0.6:8080'] });
 * console.log(tgi.info('10.0.0.6:8080')?.modelId);
 */
export interface TgiSource extends EngineSource {
  /** The last `/info` read from a target (model id, version, limits), by target name. */
  info(target: string): TgiInfo | undefined;
}

/**
 * Scrapes one or more TGI servers' `/metrics` (and `/info` for the model id and limits) and shows
 * their data under the standard `llm_*` names, labelled `engine="tgi"` and `target`, keeping TGI's
 * own buckets. TGI has no TTFT and no KV-cache metric; `llm_tgi_time_to_first_token_proxy_seconds`
 * is the proxy TGI's dashboard shows, labelled as such. The source is a mirror of the lens's store:
 * `lens.scrape()`, the prom-client bridge and the OTel producer all show its series.
 *
 * @example
 * import { createLens } from '@inferlens/core';
 * import { createTgiSource } from '@inferlens/tgi';
 *
 * const lens = createLens({ engine: 'tgi' });
 * const tgi = createTgiSource({ lens, targets: ['http://10.0.0.7:3000'], intervalMs: 15_000 });
 * const { body } = await lens.scrape();
 * tgi.info('10.0.0.7:3000')?.maxTotalTokens;
 */
export function createTgiSource(options: EngineSourceOptions): TgiSource {
  const adapter = tgiAdapter();
  const source = createEngineSource(adapter, options);
  return { ...source, info: adapter.infoOf };
}
