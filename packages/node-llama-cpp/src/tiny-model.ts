import { writeFileSync } from 'node:fs';
import { setupError } from '@inferlens/core/internal';
import { ALIGN, alignUp, GgufWriter } from './gguf-writer.js';

/** The shape of the random-weight model {@link tinyModelGguf} writes. */
export interface TinyModelOptions {
  /** PRNG seed; the same seed gives the same bytes (default 1). */
  seed?: number;
  /** Embedding width (default 64). */
  embedding?: number;
  /** Transformer blocks (default 2). */
  layers?: number;
  /** Attention heads (default 4); key/value heads are half of them. */
  heads?: number;
  /** Feed-forward width (default 3 × embedding). */
  ffn?: number;
  /** Training context length written in the metadata (default 512). */
  contextLength?: number;
  /**
   * Let the model end generations with `</s>` at random (default false: a generation runs to
   * `maxTokens`, unless its prompt ends with {@link END_OF_TEXT_CHAR}).
   */
  allowEos?: boolean;
}

/**
 * A prompt ending with this character makes the tiny model's next token `</s>`.
 *
 * @example
 * await completion.generateCompletion(`Say nothing${END_OF_TEXT_CHAR}`); // ends at once, finish 'stop'
 */
export const END_OF_TEXT_CHAR = '~';

const GGML_F32 = 0;
const BYTE_TOKENS = 256;
const FIRST_BYTE = 3;
const MERGES = ['▁t', 'he', '▁the', 'in', '▁a', 'er', 'on', '▁s', 'en', 'at', 'or', 'es', '▁w'];
const CHAT_TEMPLATE =
  "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}\n{% endfor %}" +
  '{% if add_generation_prompt %}<|assistant|>\n{% endif %}';

/**
 * The bytes of a small `llama` GGUF model with seeded random weights: a SentencePiece-style
 * vocabulary (byte fallback, printable ASCII, a few merges), a chat template, F32 tensors. It loads
 * and generates in node-llama-cpp (about 650 KiB with the defaults). The same options always give
 * the same bytes.
 *
 * Random weights would emit bytes 0x80–0xFF (broken UTF-8, so node-llama-cpp holds tokens back)
 * and `</s>` at random. Residual channel 0 is held at a constant (embedding column 0 = 4; row 0 of
 * `attn_output` and `ffn_down` = 0) and those tokens get a large negative weight on it in
 * `output`, so every token streams in its own `onToken` call and generations run to `maxTokens`;
 * a prompt ending with {@link END_OF_TEXT_CHAR} gets `</s>` next (a second constant channel).
 *
 * @example
 * writeFileSync('tiny.gguf', tinyModelGguf({ seed: 7 }));
 */
export function tinyModelGguf(options: TinyModelOptions = {}): Uint8Array {
  const embd = options.embedding ?? 64;
  const heads = options.heads ?? 4;
  const shape = {
    embd,
    layers: options.layers ?? 2,
    heads,
    kvHeads: Math.max(1, heads >> 1),
    ffn: options.ffn ?? embd * 3,
    headDim: embd / heads,
    contextLength: options.contextLength ?? 512,
  };
  if (!Number.isInteger(shape.headDim))
    setupError('node-llama-cpp', 'tinyModelGguf: embedding: must divide by heads');
  const vocab = vocabulary();
  const tensors = tinyTensors(shape, vocab.tokens, options);
  return ggufFile(shape, vocab, tensors);
}

/** The model's dimensions, as the GGUF metadata states them. */
interface Shape {
  embd: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffn: number;
  headDim: number;
  contextLength: number;
}

interface Tensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** Tokens the model must never emit: the high bytes (broken UTF-8), unk, bos, and eos unless allowed. */
const banned = (id: number, allowEos: boolean): boolean =>
  (id >= FIRST_BYTE + 0x80 && id < FIRST_BYTE + BYTE_TOKENS) ||
  id === 0 ||
  id === 1 ||
  (id === 2 && !allowEos);

/** The weights, drawn from the seeded generator in a fixed order (so a seed is a file). */
function tinyTensors(shape: Shape, tokens: readonly string[], options: TinyModelOptions): Tensor[] {
  const { embd, layers, kvHeads, ffn, headDim } = shape;
  const n = tokens.length;
  const rand = mulberry32(options.seed ?? 1);
  const endChar = tokens.indexOf(END_OF_TEXT_CHAR);

  const tensors: Tensor[] = [];
  const add = (name: string, dims: number[], fill: (data: Float32Array) => void) => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    fill(data);
    tensors.push({ name, dims, data });
  };
  const random = (scale: number) => (d: Float32Array) => {
    for (let i = 0; i < d.length; i++) d[i] = (rand() * 2 - 1) * scale;
  };
  const ones = (d: Float32Array) => d.fill(1);
  // Row r of a [cols, rows] tensor is d[r * cols … (r + 1) * cols): rows 0 and 1 (channels 0
  // and 1 of the residual stream) stay as the embedding wrote them.
  const zeroRows = (d: Float32Array, cols: number) => d.fill(0, 0, 2 * cols);

  // Channel 1 is 50 for the end-of-text character and 0 for every other token, and no layer
  // writes to it: `output` then gives `</s>` a large logit after that character only.
  add('token_embd.weight', [embd, n], (d) => {
    random(0.5)(d);
    for (let t = 0; t < n; t++) {
      d[t * embd] = 4;
      d[t * embd + 1] = t === endChar ? 50 : 0;
    }
  });
  for (let l = 0; l < layers; l++) {
    const p = `blk.${l}.`;
    add(`${p}attn_norm.weight`, [embd], ones);
    add(`${p}attn_q.weight`, [embd, embd], random(1 / Math.sqrt(embd)));
    add(`${p}attn_k.weight`, [embd, headDim * kvHeads], random(1 / Math.sqrt(embd)));
    add(`${p}attn_v.weight`, [embd, headDim * kvHeads], random(1 / Math.sqrt(embd)));
    add(`${p}attn_output.weight`, [embd, embd], (d) => {
      random(1 / Math.sqrt(embd))(d);
      zeroRows(d, embd);
    });
    add(`${p}ffn_norm.weight`, [embd], ones);
    add(`${p}ffn_gate.weight`, [embd, ffn], random(1 / Math.sqrt(embd)));
    add(`${p}ffn_up.weight`, [embd, ffn], random(1 / Math.sqrt(embd)));
    add(`${p}ffn_down.weight`, [ffn, embd], (d) => {
      random(1 / Math.sqrt(ffn))(d);
      zeroRows(d, ffn);
    });
  }
  add('output_norm.weight', [embd], ones);
  add('output.weight', [embd, n], (d) => {
    random(1)(d);
    for (let t = 0; t < n; t++) {
      d[t * embd] = banned(t, options.allowEos === true) ? -100 : 0;
      d[t * embd + 1] = t === 2 ? 100 : 0;
    }
  });
  return tensors;
}

/** The GGUF v3 file: header, metadata, tensor infos, then the aligned tensor data. */
function ggufFile(
  shape: Shape,
  vocab: ReturnType<typeof vocabulary>,
  tensors: Tensor[],
): Uint8Array {
  const { embd, layers, heads, kvHeads, ffn, headDim } = shape;
  const w = new GgufWriter();
  w.bytes(new TextEncoder().encode('GGUF'));
  w.u32(3);
  w.u64(tensors.length);
  const meta: [string, (w: GgufWriter) => void][] = [
    ['general.architecture', (w) => w.kvString('llama')],
    ['general.name', (w) => w.kvString('inferlens-tiny')],
    ['general.alignment', (w) => w.kvU32(ALIGN)],
    ['llama.context_length', (w) => w.kvU32(shape.contextLength)],
    ['llama.embedding_length', (w) => w.kvU32(embd)],
    ['llama.block_count', (w) => w.kvU32(layers)],
    ['llama.feed_forward_length', (w) => w.kvU32(ffn)],
    ['llama.attention.head_count', (w) => w.kvU32(heads)],
    ['llama.attention.head_count_kv', (w) => w.kvU32(kvHeads)],
    ['llama.rope.dimension_count', (w) => w.kvU32(headDim)],
    ['llama.attention.layer_norm_rms_epsilon', (w) => w.kvF32(1e-5)],
    ['tokenizer.ggml.model', (w) => w.kvString('llama')],
    ['tokenizer.ggml.tokens', (w) => w.kvStrings(vocab.tokens)],
    ['tokenizer.ggml.scores', (w) => w.kvF32s(vocab.scores)],
    ['tokenizer.ggml.token_type', (w) => w.kvI32s(vocab.types)],
    ['tokenizer.ggml.unknown_token_id', (w) => w.kvU32(0)],
    ['tokenizer.ggml.bos_token_id', (w) => w.kvU32(1)],
    ['tokenizer.ggml.eos_token_id', (w) => w.kvU32(2)],
    ['tokenizer.ggml.add_bos_token', (w) => w.kvBool(true)],
    ['tokenizer.ggml.add_eos_token', (w) => w.kvBool(false)],
    ['tokenizer.chat_template', (w) => w.kvString(CHAT_TEMPLATE)],
  ];
  w.u64(meta.length);
  for (const [key, write] of meta) {
    w.string(key);
    write(w);
  }
  let offset = 0;
  for (const t of tensors) {
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_F32);
    w.u64(offset);
    offset = alignUp(offset + t.data.byteLength);
  }
  w.pad();
  for (const t of tensors) {
    w.bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad();
  }
  return w.finish();
}

/**
 * Writes {@link tinyModelGguf}'s bytes to `path` and returns the path.
 *
 * @example
 * const modelPath = writeTinyModel(join(tmpdir(), 'tiny.gguf'));
 */
export function writeTinyModel(path: string, options?: TinyModelOptions): string {
  writeFileSync(path, tinyModelGguf(options));
  return path;
}

function vocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  for (let b = 0; b < BYTE_TOKENS; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  const pieces = ['▁'];
  for (let c = 0x21; c < 0x7f; c++) pieces.push(String.fromCharCode(c));
  pieces.push(...MERGES);
  for (const p of pieces) {
    tokens.push(p);
    types.push(1);
  }
  // SentencePiece merges prefer higher scores: longer pieces score higher.
  const scores = tokens.map((t, i) => (types[i] === 1 ? -1000 + [...t].length * 10 - i * 0.01 : 0));
  return { tokens, scores, types };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
