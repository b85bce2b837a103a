/** Bucket boundaries the schema rows use; each list says where it comes from. */

/** OTel GenAI semconv `gen_ai.server.request.duration` boundaries (B_dur), then vLLM's
 * `request_latency` tail: semconv stops at 81.92 s, long generations and queues run far past it. */
export const REQUEST_SECONDS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 120, 240,
  480, 960, 1920, 7680,
] as const;

/** {@link REQUEST_SECONDS} with 5 s added: the default end-to-end latency SLO of
 * `@inferlens/mixin` (95 % within 5 s) needs a bound exactly there, and vLLM's `e2e_request_latency`
 * has one too. Other bounds can be added per lens with `createLens({ extraBuckets })`. */
export const E2E_SECONDS = [
  ...REQUEST_SECONDS.slice(0, 9),
  5,
  ...REQUEST_SECONDS.slice(9),
] as const;

/** Semconv `gen_ai.server.time_to_first_token` boundaries (to 10 s), then vLLM's TTFT tail to
 * 2560 s: under load or on hosted APIs TTFT p99 is tens of seconds. Equal to vLLM's TTFT family. */
export const TTFT_SECONDS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
  160, 640, 2560,
] as const;

/** Semconv `gen_ai.server.time_per_output_token` boundaries (to 2.5 s), then vLLM's
 * `inter_token_latency` tail (preemption stalls a decode for seconds). Equal to vLLM's ITL family. */
export const TOKEN_SECONDS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
] as const;

/** Semconv `gen_ai.client.token.usage` boundaries (powers of 4). */
export const TOKENS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;

/** vLLM's `iteration_tokens` family. */
export const ITERATION_TOKENS = [
  1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
] as const;

export const BATCH_REQUESTS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] as const;

/** OTel HTTP semconv `http.server.request.duration` boundaries, then minutes: LLM streams run long. */
export const HTTP_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120, 300, 600,
] as const;

/** Body sizes from a tiny JSON request to a long streamed completion. */
export const HTTP_BYTES = [100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000] as const;

/** TGI's bucket set for every `*_duration` histogram: 0.0001 s × 1.5^k, k = 1..35 (server.rs), built
 * by repeated multiplication as TGI builds it, so the bounds are the same doubles as its `le`s. */
export const TGI_DURATION_SECONDS: readonly number[] = (() => {
  const out: number[] = [];
  let v = 0.0001;
  for (let k = 0; k < 35; k++) out.push((v *= 1.5));
  return out;
})();
