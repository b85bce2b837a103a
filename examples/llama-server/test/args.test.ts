import { describe, expect, it } from 'vitest';
import { parseServerArgs } from '../src/args.js';

describe('parseServerArgs', () => {
  it('defaults to the tiny model with a small context, and a real model to 2048 tokens', () => {
    expect(parseServerArgs([])).toMatchObject({
      model: undefined,
      port: 8788,
      sequences: 4,
      contextSize: 256,
      threads: 1,
    });
    expect(parseServerArgs(['--', '--model', 'm.gguf', '--threads', '4'])).toMatchObject({
      model: 'm.gguf',
      contextSize: 2048,
      threads: 4,
    });
    expect(parseServerArgs(['--help'])).toBe('help');
  });

  it('names the bad flag', () => {
    expect(() => parseServerArgs(['--sequences', '0'])).toThrow(/--sequences must be an integer/);
    expect(() => parseServerArgs(['--port', 'x'])).toThrow(/--port/);
    expect(() => parseServerArgs(['--nope'])).toThrow();
  });
});
