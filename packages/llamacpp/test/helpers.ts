export { renderSnapshot, samplesOf, sampleValue } from '../../engine-source/test/samples.js';

/** Sends `n` chat completions (long enough to share the cached system prompt) and waits. */
export async function chat(url: string, n: number, maxTokens = 6): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          messages: [{ role: 'user', content: `Explain slot ${i}. `.repeat(20) }],
          max_tokens: maxTokens,
        }),
      }).then((r) => r.text()),
    ),
  );
}
