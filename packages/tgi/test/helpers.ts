export { renderSnapshot, samplesOf, sampleValue } from '../../engine-source/test/samples.js';

/** Sends `n` /generate_stream requests and reads them to the end. */
export async function generate(
  url: string,
  n: number,
  maxNewTokens = 6,
  details = false,
): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      fetch(`${url}/generate_stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: `What is a KV cache? ${i}`,
          parameters: { max_new_tokens: maxNewTokens, details },
        }),
      }).then((r) => r.text()),
    ),
  );
}
