import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseDecoder } from '../src/internal.js';

const encode = (s: string) => new TextEncoder().encode(s);

describe('SseDecoder', () => {
  it('reads vLLM framing (space after data:) and TGI framing (none) alike', () => {
    const d = new SseDecoder();
    const events = [
      ...d.push('data: {"a":1}\n\n'),
      ...d.push('data:{"b":2}\n\n'),
      ...d.push('data: [DONE]\n\n'),
    ];
    expect(events.map((e) => e.data)).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
  });

  it('removes only one space, joins multi-line data, reads event types, skips comments', () => {
    const d = new SseDecoder();
    const events = d.push(': keep-alive\n\nevent: error\ndata:  two spaces\ndata: second\n\n');
    expect(events).toEqual([{ event: 'error', data: ' two spaces\nsecond' }]);
  });

  it('handles CRLF and CR line ends, also when a CRLF is split across chunks', () => {
    const d = new SseDecoder();
    const events = [
      ...d.push('data: a\r'),
      ...d.push('\n\r\ndata: b\r\r'),
      ...d.push('data: c\n'),
      ...d.end(),
    ];
    expect(events.map((e) => e.data)).toEqual(['a', 'b', 'c']);
  });

  it('decodes UTF-8 split inside a character', () => {
    const bytes = encode('data: {"t":"日本"}\n\n');
    const d = new SseDecoder();
    const events = [...d.push(bytes.slice(0, 13)), ...d.push(bytes.slice(13))];
    expect(events).toEqual([{ event: undefined, data: '{"t":"日本"}' }]);
  });

  it('drops an event over 1 MiB instead of growing without bound', () => {
    const d = new SseDecoder();
    const big = `data: ${'x'.repeat(1 << 19)}\n`;
    const events = [...d.push(big), ...d.push(big), ...d.push(big), ...d.push('\ndata: ok\n\n')];
    expect(events.map((e) => e.data)).toEqual(['ok']);
    expect(d.dropped).toBe(1);
  });

  it('gives the same events however the bytes are chunked (fast-check)', () => {
    const text = 'data: {"a":1}\r\n\r\n: c\n\ndata:{"b":"é"}\n\nevent: x\ndata: y\rdata: z\r\r';
    const bytes = encode(text);
    const whole = new SseDecoder();
    const expected = [...whole.push(bytes), ...whole.end()];
    expect(expected).toHaveLength(3);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 })), (cuts) => {
        const d = new SseDecoder();
        const got = [];
        let from = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          got.push(...d.push(bytes.slice(from, c)));
          from = c;
        }
        got.push(...d.push(bytes.slice(from)), ...d.end());
        expect(got).toEqual(expected);
      }),
    );
  });
});
