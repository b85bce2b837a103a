import { describe, expect, it } from 'vitest';
import { errorTypeOf, readOpenAIChunk, readTgiEvent } from '../src/internal.js';

const chat = (delta: unknown, finish: string | null = null) => ({
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});

describe('readOpenAIChunk', () => {
  it('gives the role-only first chunk no content, so it cannot set TTFT', () => {
    expect(readOpenAIChunk(chat({ role: 'assistant', content: '' })).tokens).toBe(0);
    expect(readOpenAIChunk(chat({ role: 'assistant' })).tokens).toBe(0);
  });

  it('counts content, reasoning, tool-call deltas and completion text as output', () => {
    expect(readOpenAIChunk(chat({ content: 'Hi' })).tokens).toBe(1);
    expect(readOpenAIChunk(chat({ reasoning_content: 'think' })).tokens).toBe(1);
    expect(readOpenAIChunk(chat({ reasoning: 'think' })).tokens).toBe(1);
    expect(
      readOpenAIChunk(chat({ tool_calls: [{ index: 0, function: { arguments: '{' } }] })).tokens,
    ).toBe(1);
    expect(readOpenAIChunk({ choices: [{ index: 0, text: ' the' }] }).tokens).toBe(1);
    expect(
      readOpenAIChunk({
        choices: [
          { index: 0, text: 'a' },
          { index: 1, text: 'b' },
        ],
      }).tokens,
    ).toBe(2);
  });

  it('reads the finish reason (mapping TGI spellings) and the usage chunk', () => {
    expect(readOpenAIChunk(chat({ content: '.' }, 'stop_sequence'))).toMatchObject({
      final: true,
      finish: { finishReason: 'stop' },
    });
    expect(readOpenAIChunk(chat({ content: '.' }, 'length')).finish).toEqual({
      finishReason: 'length',
    });
    const usage = readOpenAIChunk({
      choices: [],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 30,
        total_tokens: 42,
        prompt_tokens_details: { cached_tokens: 8 },
      },
    });
    expect(usage).toMatchObject({
      tokens: 0,
      final: false,
      finish: { promptTokens: 12, generationTokens: 30, cachedTokens: 8 },
    });
    expect(readOpenAIChunk({ choices: [], usage: null }).finish).toBeUndefined();
  });

  it('reads every in-stream error shape vLLM and TGI send', () => {
    expect(
      readOpenAIChunk({ error: { message: 'x', type: 'InternalServerError', code: 500 } }).error,
    ).toBe('internal_server_error');
    expect(readOpenAIChunk({ error: { message: 'x', http_status_code: 422 } }).error).toBe(
      'http_422',
    );
    expect(readOpenAIChunk({ object: 'error', message: 'x', type: 'BadRequestError' }).error).toBe(
      'bad_request_error',
    );
    expect(readOpenAIChunk({ error: 'boom', error_type: 'overloaded' }).error).toBe('overloaded');
  });

  it('ignores what is not a chunk', () => {
    for (const x of [null, 1, 'x', [], { choices: 'no' }])
      expect(readOpenAIChunk(x)).toMatchObject({ tokens: 0, error: undefined });
  });
});

describe('readTgiEvent', () => {
  it('counts one token per event and reads details on the last', () => {
    expect(
      readTgiEvent({
        index: 1,
        token: { id: 1, text: 'a', special: false },
        generated_text: null,
        details: null,
      }),
    ).toEqual({
      tokens: 1,
      finish: undefined,
      error: undefined,
      final: false,
    });
    const last = readTgiEvent({
      index: 3,
      token: { id: 2, text: '.', special: false },
      generated_text: 'a b.',
      details: { finish_reason: 'eos_token', generated_tokens: 3, seed: null, input_length: 7 },
    });
    expect(last).toEqual({
      tokens: 1,
      error: undefined,
      final: true,
      finish: { finishReason: 'stop', generationTokens: 3, promptTokens: 7 },
    });
  });

  it('reads /generate_stream errors with their error_type', () => {
    expect(readTgiEvent({ error: 'Input validation error', error_type: 'validation' }).error).toBe(
      'validation',
    );
    expect(readTgiEvent({ error: 'x' }).error).toBe('generation');
  });
});

describe('errorTypeOf', () => {
  it('makes short snake_case label values', () => {
    expect(errorTypeOf('BadRequestError')).toBe('bad_request_error');
    expect(errorTypeOf('incomplete_generation')).toBe('incomplete_generation');
    expect(errorTypeOf('a b/c')).toBe('a_b_c');
    expect(errorTypeOf('X'.repeat(200)).length).toBe(48);
    expect(errorTypeOf(42)).toBe('stream_error');
  });
});
