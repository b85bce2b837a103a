/**
 * Generation throughput of a real engine (llama.cpp through node-llama-cpp, CPU, 1 thread) with
 * and without `instrumentLlama`, on the same model in one process. Three contexts on one model:
 * two plain ones (their ratio is the noise floor: what this bench cannot resolve) and one
 * instrumented. Every round runs each context once, in a rotating order, with 4 sequences × 48
 * tokens; the table gives the median per-round throughput ratio against the first plain context
 * and its spread (interquartile and min–max) over the rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLens } from '@inferlens/core';
import { instrumentLlama, writeTinyModel } from '@inferlens/node-llama-cpp';
import { getLlama, LlamaCompletion, type LlamaContext } from 'node-llama-cpp';

const SEQUENCES = 4;
const TOKENS = 48;
const ROUNDS = 40;
const WARMUP_ROUNDS = 3;

interface Case {
  name: string;
  context: LlamaContext;
  completions: LlamaCompletion[];
  /** Tokens per second, one per timed round. */
  rates: number[];
}

async function round(c: Case, prompt: string): Promise<number> {
  let tokens = 0;
  const started = performance.now();
  await Promise.all(
    c.completions.map((completion, i) =>
      completion.generateCompletion(`${prompt} ${i}`, {
        maxTokens: TOKENS,
        temperature: 0,
        onToken: (t) => {
          tokens += t.length;
        },
      }),
    ),
  );
  return tokens / ((performance.now() - started) / 1000);
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] as number;

export async function run(): Promise<{ title: string; table: string; notes: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'inferlens-bench-llama-'));
  const llama = await getLlama({
    gpu: false,
    build: 'never',
    skipDownload: true,
    maxThreads: 1,
    logLevel: 'error' as never,
  });
  // The larger layout of the tiny model (4 layers, embedding 256): closer to a real model's
  // per-token work than the 2-layer test model, still without a download.
  const model = await llama.loadModel({
    modelPath: writeTinyModel(join(dir, 'bench.gguf'), { embedding: 256, layers: 4, heads: 8 }),
  });
  const lens = createLens({ engine: 'node-llama-cpp' });
  const open = async (name: string): Promise<Case> => {
    const context = await model.createContext({
      contextSize: 256,
      sequences: SEQUENCES,
      threads: 1,
    });
    const completions = Array.from(
      { length: SEQUENCES },
      () => new LlamaCompletion({ contextSequence: context.getSequence() }),
    );
    return { name, context, completions, rates: [] };
  };
  const plain = await open('plain');
  const plain2 = await open('plain (again)');
  const measured = await open('instrumentLlama');
  const instrumentation = instrumentLlama({ lens, context: measured.context, model: 'bench' });
  const cases = [plain, plain2, measured];
  try {
    for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
      // A new prompt each round, so no round reuses the previous one's prefix.
      const prompt = `Round ${r}: tell me about the number ${r * 7}`;
      for (let k = 0; k < cases.length; k++) {
        const c = cases[(r + k) % cases.length] as Case;
        const rate = await round(c, prompt);
        if (r >= WARMUP_ROUNDS) c.rates.push(rate);
      }
    }
  } finally {
    instrumentation.stop();
    for (const c of cases) await c.context.dispose();
    await model.dispose();
    await llama.dispose();
    lens.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = cases.map((c) => {
    const ratios = c.rates
      .map((rate, i) => rate / (plain.rates[i] as number))
      .sort((a, b) => a - b);
    const rates = c.rates.slice().sort((a, b) => a - b);
    const fmt = (x: number) => x.toFixed(3);
    return `| ${c.name} | ${quantile(rates, 0.5).toFixed(0)} | ${fmt(quantile(ratios, 0.5))} | ${fmt(quantile(ratios, 0.25))} – ${fmt(quantile(ratios, 0.75))} | ${fmt(ratios[0] as number)} – ${fmt(ratios.at(-1) as number)} |`;
  });
  const table = [
    '| context | median tokens/s | throughput ÷ plain (median) | interquartile | min – max |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  const tokens = lens.handles('bench').generationTokens.value;
  return {
    title: `node-llama-cpp generation throughput (${SEQUENCES} sequences × ${TOKENS} tokens, 1 thread, ${ROUNDS} rounds)`,
    table,
    notes: [
      'Ratios are per round against the first plain context, run in the same round (rotating order), so a noisy neighbour slows all three alike.',
      '"plain (again)" is an uninstrumented twin: its spread is what this bench cannot resolve. instrumentLlama is within it when its interquartile range overlaps the twin\'s.',
      `The instrumented context recorded ${tokens} generated tokens (${(WARMUP_ROUNDS + ROUNDS) * SEQUENCES * TOKENS} expected).`,
    ],
  };
}
