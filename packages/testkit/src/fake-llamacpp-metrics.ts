import type { ModelHandles } from '@inferlens/core/internal';

/**
 * Which llama.cpp server layout to write (`llama-server --metrics`; ggml-org/llama.cpp
 * `tools/server`, MIT; the names are llama.cpp's wire format, written here independently of the
 * adapter under test). No labels, `llamacpp:` prefix, C++ stream formatting:
 *
 * - `2024`: the list of the server README of 2024, with `kv_cache_usage_ratio` and
 *   `kv_cache_tokens`; averages print `-nan` when nothing ran since the last scrape (0/0).
 * - `mid-2025`: `server.cpp` after the KV gauges were removed; `n_tokens_max`, and
 *   `n_busy_slots_per_decode` typed as a counter; still `-nan` when idle.
 * - `current`: `server-task.cpp`: adds `prompt_tokens_cached_total` (prompt tokens are counted
 *   without the cached ones), `n_busy_slots_per_decode` a gauge, and idle averages print 0.
 */
export type LlamacppVersion = '2024' | 'mid-2025' | 'current';

/** What the server counts that the standard handles do not hold. */
export interface LlamacppState {
  handles: ModelHandles;
  /** Context size (`n_ctx`) for `kv_cache_tokens`. */
  nCtx: number;
  /** Largest prompt + output seen. */
  nTokensMax: number;
  /** The last scrape's totals: the throughput gauges average over the window between scrapes. */
  window: { promptTokens: number; promptSeconds: number; genTokens: number; genSeconds: number };
}

/** How `std::ostream` writes a double: `%g` with 6 digits; glibc prints 0/0 as `-nan`. */
export function cppNumber(v: number): string {
  if (Number.isNaN(v)) return '-nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = v.toExponential(5).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(Number(v.toPrecision(6)));
}

type Row = [name: string, type: 'counter' | 'gauge', help: string, value: number];

/** Renders llama.cpp's `/metrics`; reading it resets the throughput window, as the server does. */
export function renderLlamacppMetrics(state: LlamacppState, version: LlamacppVersion): string {
  const h = state.handles;
  const cached = h.prefixCacheHits.value;
  const promptTotal = h.promptTokens.value;
  const promptSeconds = h.requestPrefillTime.sum;
  const genTokens = h.generationTokens.value;
  const genSeconds = h.requestDecodeTime.sum;
  const w = state.window;
  const dPrompt = promptTotal - w.promptTokens;
  const dGen = genTokens - w.genTokens;
  // Before the guards, an idle window divided 0 by 0.
  const idle = version === 'current' ? 0 : Number.NaN;
  const promptRate = dPrompt > 0 ? dPrompt / Math.max(promptSeconds - w.promptSeconds, 1e-3) : idle;
  const genRate = dGen > 0 ? dGen / Math.max(genSeconds - w.genSeconds, 1e-3) : idle;
  state.window = { promptTokens: promptTotal, promptSeconds, genTokens, genSeconds };
  const steps = h.batchSize.count;
  const busy = steps > 0 ? h.batchSize.sum / steps : idle;
  const rows: Row[] = [
    [
      'prompt_tokens_total',
      'counter',
      'Number of prompt tokens processed.',
      // Tokens the server evaluated: a prompt's cached part is not counted, in any version.
      promptTotal - cached,
    ],
  ];
  if (version === 'current')
    rows.push([
      'prompt_tokens_cached_total',
      'counter',
      'Number of prompt tokens served from the cache.',
      cached,
    ]);
  rows.push(
    ['prompt_seconds_total', 'counter', 'Prompt process time', promptSeconds],
    ['tokens_predicted_total', 'counter', 'Number of generation tokens processed.', genTokens],
    ['tokens_predicted_seconds_total', 'counter', 'Predict process time', genSeconds],
    ['n_decode_total', 'counter', 'Total number of llama_decode() calls', steps],
  );
  if (version !== '2024')
    rows.push(['n_tokens_max', 'counter', 'Largest observed n_tokens.', state.nTokensMax]);
  rows.push(
    [
      'n_busy_slots_per_decode',
      version === 'mid-2025' ? 'counter' : 'gauge',
      'Average number of busy slots per llama_decode() call',
      busy,
    ],
    ['prompt_tokens_seconds', 'gauge', 'Average prompt throughput in tokens/s.', promptRate],
    ['predicted_tokens_seconds', 'gauge', 'Average generation throughput in tokens/s.', genRate],
  );
  if (version === '2024')
    rows.push(
      [
        'kv_cache_usage_ratio',
        'gauge',
        'KV-cache usage. 1 means 100 percent usage.',
        h.kvCacheUsage.value,
      ],
      [
        'kv_cache_tokens',
        'gauge',
        'KV-cache tokens.',
        Math.round(h.kvCacheUsage.value * state.nCtx),
      ],
    );
  rows.push(
    ['requests_processing', 'gauge', 'Number of requests processing.', h.requestsRunning.value],
    ['requests_deferred', 'gauge', 'Number of requests deferred.', h.requestsWaiting.value],
  );
  let out = '';
  for (const [name, type, help, value] of rows)
    out += `# HELP llamacpp:${name} ${help}\n# TYPE llamacpp:${name} ${type}\nllamacpp:${name} ${cppNumber(value)}\n`;
  return out;
}
