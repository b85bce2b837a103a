/** What `GET /info` says, in one shape for every TGI version. */
export interface TgiInfo {
  modelId: string | undefined;
  modelSha: string | undefined;
  version: string | undefined;
  maxConcurrentRequests: number | undefined;
  /** `max_input_tokens`, called `max_input_length` before v2.1.0. */
  maxInputTokens: number | undefined;
  maxTotalTokens: number | undefined;
  /** Removed from `/info` in v2.3.0 (#2331); undefined on later versions. */
  maxBatchTotalTokens: number | undefined;
  /** Removed in v2.3.0. */
  maxBatchSize: number | undefined;
  /** Removed in v2.3.0. */
  modelDtype: string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/**
 * Reads either `/info` shape (before and after v2.3.0, and the v2.1.0 rename). Returns undefined
 * when the body is not a TGI info object.
 *
 * @example
 * readTgiInfo({ model_id: 'teknium/OpenHermes-2.5-Mistral-7B', max_input_tokens: 511, version: '3.3.5' })
 */
export function readTgiInfo(json: unknown): TgiInfo | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const j = json as Record<string, unknown>;
  if (str(j.model_id) === undefined) return undefined;
  return {
    modelId: str(j.model_id),
    modelSha: str(j.model_sha),
    version: str(j.version),
    maxConcurrentRequests: num(j.max_concurrent_requests),
    maxInputTokens: num(j.max_input_tokens) ?? num(j.max_input_length),
    maxTotalTokens: num(j.max_total_tokens),
    maxBatchTotalTokens: num(j.max_batch_total_tokens),
    maxBatchSize: num(j.max_batch_size),
    modelDtype: str(j.model_dtype),
  };
}
