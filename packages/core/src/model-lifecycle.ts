import type { Lens } from './lens.js';

/** What a server knows when a model has loaded; every field but `model` is optional. */
export interface ModelLoad {
  model: string;
  /** The `engine` label, when it differs from the lens's. */
  engine?: string;
  /** Wall time of the load, in seconds (`llm_model_load_time_seconds`). */
  seconds?: number;
  /** Memory the model holds, in bytes (`llm_model_memory_bytes`). */
  memoryBytes?: number;
  /** `llm_model_info` labels: the model's version, quantization (`q4_k_m`, `fp8`), context length. */
  version?: string;
  quantization?: string;
  contextLength?: number;
}

/**
 * Records a model load in one call: load time, memory, and the `llm_model_info` series (replacing
 * the model's previous one, so a reload with another version leaves one). Values of the wrong type
 * are counted as invalid and left out, as everywhere in recording; nothing throws.
 *
 * @example
 * recordModelLoad(lens, { model: 'llama-3-8b', seconds: 41.7, memoryBytes: 16e9, quantization: 'fp8', contextLength: 8192 });
 */
export function recordModelLoad(lens: Lens, load: ModelLoad): void {
  const read = readLoad(lens, load);
  if (read === undefined) return;
  const { model, engine, seconds, memoryBytes, version, quantization, contextLength } = read;
  const labels = { model_name: model, engine };
  if (seconds !== undefined) lens.series('modelLoadTime', labels).set(nonNegative(seconds));
  if (memoryBytes !== undefined) lens.series('modelMemory', labels).set(nonNegative(memoryBytes));
  dropInfo(lens, model, engine);
  lens
    .series('modelInfo', {
      ...labels,
      model_version: text(lens, version),
      quantization: text(lens, quantization),
      context_length:
        typeof contextLength === 'number' && Number.isInteger(contextLength) && contextLength > 0
          ? String(contextLength)
          : text(lens, contextLength),
    })
    .set(1);
}

/**
 * A load that failed; `errorType` low-cardinality (`oom`, `not_found`, `timeout`).
 *
 * @example
 * recordModelLoadFailure(lens, 'llama-3-70b', 'oom');
 */
export function recordModelLoadFailure(
  lens: Lens,
  model: string,
  errorType = 'error',
  engine?: string,
): void {
  const type = typeof errorType === 'string' && errorType !== '' ? errorType : 'error';
  lens
    .series('modelLoadFailures', { model_name: text(lens, model), engine, error_type: type })
    .inc();
}

/**
 * The model was unloaded: its memory and info series go (the load time and failure counts stay,
 * as history). Running and waiting gauges are the tracker's and are left alone.
 *
 * @example
 * recordModelUnload(lens, 'llama-3-8b');
 */
export function recordModelUnload(lens: Lens, model: string, engine?: string): void {
  const m = text(lens, model);
  const e =
    typeof engine === 'string' && engine !== '' ? lens.store.labelValue(engine) : lens.engine;
  dropInfo(lens, m, e);
  lens.store.family('modelMemory').remove((v) => v[0] === m && v[1] === e);
}

/**
 * A request for `model` found it loaded (`hit`) or had to load it (`miss`). One series lookup per
 * call; a server that counts per request can keep `lens.series('modelCacheLookups', …)` handles.
 *
 * @example
 * recordModelCacheLookup(lens, 'llama-3-8b', models.has('llama-3-8b'));
 */
export function recordModelCacheLookup(
  lens: Lens,
  model: string,
  hit: boolean,
  engine?: string,
): void {
  lens
    .series('modelCacheLookups', {
      model_name: text(lens, model),
      engine,
      result: hit === true ? 'hit' : 'miss',
    })
    .inc();
}

function dropInfo(lens: Lens, model: string, engine: string): void {
  lens.store.family('modelInfo').remove((v) => v[0] === model && v[1] === engine);
}

function readLoad(lens: Lens, load: ModelLoad) {
  try {
    const { model, engine, seconds, memoryBytes, version, quantization, contextLength } = load;
    return {
      model: typeof model === 'string' && model !== '' ? lens.store.labelValue(model) : 'unknown',
      engine:
        typeof engine === 'string' && engine !== '' ? lens.store.labelValue(engine) : lens.engine,
      seconds,
      memoryBytes,
      version,
      quantization,
      contextLength,
    };
  } catch {
    lens.drop('invalid_event'); // not an object, or a getter that throws
    return undefined;
  }
}

/** A label value from an optional field: strings as they are (bounded), anything else counted. */
function text(lens: Lens, v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return lens.store.labelValue(v);
  lens.drop('invalid_value');
  return '';
}

/** Gauges take any finite number; these two cannot be negative: NaN, which the gauge refuses and counts. */
function nonNegative(v: unknown): number {
  return typeof v === 'number' && v >= 0 ? v : Number.NaN;
}
