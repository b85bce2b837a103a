export { parseNumber } from './lexer.js';
export { parse } from './parse.js';
export type {
  Exemplar,
  Labels,
  MetricFamily,
  MetricType,
  ParseError,
  ParseOptions,
  ParseResult,
  Sample,
  Text,
} from './types.js';
