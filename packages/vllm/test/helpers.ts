export { renderSnapshot, samplesOf, sampleValue } from '../../engine-source/test/samples.js';

/** Sends `n` completions and waits for them (non-streamed). */
export async function complete(
  url: string,
  model: string,
  n: number,
  maxTokens = 6,
): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      fetch(`${url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model,
          prompt: `Tell me about caches ${i}`.repeat(3),
          max_tokens: maxTokens,
        }),
      }).then((r) => r.text()),
    ),
  );
}
