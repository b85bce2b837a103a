export { renderSnapshot, samplesOf, sampleValue } from '../../engine-source/test/samples.js';

/** Sends `n` completions through the OpenAI-compatible route and waits for them. */
export async function complete(url: string, n: number, maxTokens = 6): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      fetch(`${url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          prompt: `Tell me about caches ${i}. `.repeat(12),
          max_tokens: maxTokens,
        }),
      }).then((r) => r.text()),
    ),
  );
}
