/**
 * Writes the small random-weight GGUF model the tests use (no download):
 *   pnpm --filter @inferlens/node-llama-cpp tiny-model [out.gguf] [--seed n] [--allow-eos]
 */
import { parseArgs } from 'node:util';
import { writeTinyModel } from '../src/tiny-model.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: 'string', default: '1' }, 'allow-eos': { type: 'boolean' } },
});
const out = positionals[0] ?? 'tiny.gguf';
const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
writeTinyModel(out, { seed, allowEos: values['allow-eos'] === true });
console.log(`wrote ${out}`);
