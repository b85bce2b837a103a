import { describe, it } from 'vitest';
import { assertNeverThrows } from '../../engine-source/test/never-throws.js';
import {
  LLAMACPP_GAUGES,
  LLAMACPP_GENERATED,
  LLAMACPP_PROMPT,
  LLAMACPP_PROMPT_CACHED,
  normalizeLlamacpp,
} from '../src/internal.js';

describe('normalizeLlamacpp on any mix of llama.cpp lines', () => {
  it('never throws and never shows a NaN', () => {
    assertNeverThrows('llamacpp', normalizeLlamacpp, [
      ...LLAMACPP_GAUGES.map(([, n]) => n),
      LLAMACPP_GENERATED,
      LLAMACPP_PROMPT,
      LLAMACPP_PROMPT_CACHED,
      'llamacpp:prompt_tokens_seconds',
    ]);
  });
});
