/**
 * Parsing one 100 KB scrape, the size of a real TGI `/metrics` (99 KB, most of it the 1,024 buckets
 * of tgi_batch_next_size). The payload is what the fake TGI and vLLM servers of @inferlens/testkit
 * serve after a few requests: TGI's exposition (no `_total`, float noise in `le`, a summary),
 * followed by vLLM families (colons in names, sorted labels, `_created` gauges) up to 100 KB.
 * Contenders: @inferlens/prom-parse `parse(text)` and parse-prometheus-text-format 1.1.1.
 */
import { parse } from '@inferlens/prom-parse';
import { startFakeTgi, startFakeVllm } from '@inferlens/testkit';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { measure } from '../harness.js';
import { formatNs, resultTable, verdict } from '../table.js';

const TARGET_BYTES = 100_000;

async function payload(): Promise<string> {
  const tgi = await startFakeTgi({ engine: { speed: 50, seed: 3 } });
  const vllm = await startFakeVllm({ dataParallel: 2, engine: { speed: 50, seed: 3 } });
  try {
    const post = (url: string, body: unknown) =>
      fetch(url, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.text());
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(`${tgi.url}/generate_stream`, {
          inputs: 'Hello '.repeat(i + 1),
          parameters: { max_new_tokens: 20 },
        }),
      ),
    );
    await post(`${vllm.url}/v1/completions`, { model: vllm.model, prompt: 'Hi', max_tokens: 8 });
    let text = tgi.metricsText();
    // Whole vLLM families until the payload reaches 100 KB.
    for (const family of vllm.metricsText().split(/(?=^# HELP )/m)) {
      if (text.length >= TARGET_BYTES) break;
      text += family;
    }
    return text;
  } finally {
    await tgi.close();
    await vllm.close();
  }
}

export async function run(): Promise<{ title: string; table: string; notes: string[] }> {
  const text = await payload();
  const ours = parse(text);
  if (ours.errorCount > 0)
    throw new Error(`the payload does not parse: ${ours.errors[0]?.message}`);
  const samples = ours.families.reduce((n, f) => n + f.samples.length, 0);
  const results = await measure(
    [
      { name: '@inferlens/prom-parse', fn: () => parse(text).families.length },
      { name: 'parse-prometheus-text-format', fn: () => parsePrometheusTextFormat(text).length },
    ],
    { rounds: 15, roundMs: 40, warmupMs: 400 },
  );
  const mine = results[0]!.median;
  const theirs = results[1]!.median;
  return {
    title: `Parsing a ${(text.length / 1000).toFixed(0)} KB scrape (${samples} samples, TGI + vLLM)`,
    table: resultTable(results, '@inferlens/prom-parse'),
    notes: [
      verdict('parse-prometheus-text-format time ÷ prom-parse time', theirs / mine, 3, '≥'),
      `${mine <= 2e6 ? 'MET' : 'MISSED'}: prom-parse ${formatNs(mine)} per 100 KB scrape (target ≤ 2 ms)`,
      'parse-prometheus-text-format also drops the labels of histogram series (every `method="…"` bucket of TGI collapses), which prom-parse keeps.',
    ],
  };
}
