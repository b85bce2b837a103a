import { describe, it } from 'vitest';
import { assertNeverThrows } from '../../engine-source/test/never-throws.js';
import {
  normalizeSglang,
  SGLANG_COUNTERS,
  SGLANG_GAUGES,
  SGLANG_HISTOGRAMS,
} from '../src/internal.js';

describe('normalizeSglang on any mix of SGLang lines', () => {
  it('never throws and never shows a NaN', () => {
    assertNeverThrows('sglang', normalizeSglang, [
      ...SGLANG_GAUGES.flatMap(([, n]) => n),
      ...SGLANG_COUNTERS.flatMap(([, n]) => n),
      ...SGLANG_HISTOGRAMS.flatMap(([, n]) =>
        n.flatMap((b) => [`${b}_bucket`, `${b}_sum`, `${b}_count`]),
      ),
      'sglang:cache_hit_rate',
      'sglang:cached_tokens_total',
      'sglang:num_requests_total',
    ]);
  });
});
