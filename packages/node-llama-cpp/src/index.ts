export { errorTypeOf, finishReasonOf } from './finish.js';
export type { InstrumentLlamaOptions, LlamaInstrumentation } from './instrument.js';
export { instrumentLlama } from './instrument.js';
export { loadModel } from './load.js';
export type { LlamaSchedulerOptions, SchedulerSlot } from './scheduler.js';
export { LlamaScheduler } from './scheduler.js';
export type { TinyModelOptions } from './tiny-model.js';
export { END_OF_TEXT_CHAR, tinyModelGguf, writeTinyModel } from './tiny-model.js';
