import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, type Text } from '../src/index.js';

/**
 * A stand-in for the input string that counts every character the parser touches: one per
 * `charCodeAt`, the distance scanned per `indexOf`, the length of each `slice`. Counting instead of
 * timing makes "linear on every input" a deterministic assertion.
 */
class CountingText implements Text {
  work = 0;
  readonly #s: string;
  constructor(s: string) {
    this.#s = s;
  }
  get length(): number {
    return this.#s.length;
  }
  charCodeAt(i: number): number {
    this.work++;
    return this.#s.charCodeAt(i);
  }
  indexOf(search: string, from = 0): number {
    const r = this.#s.indexOf(search, from);
    this.work += (r < 0 ? this.#s.length : r) - from + 1;
    return r;
  }
  slice(a: number, b: number): string {
    this.work += Math.max(0, b - a);
    return this.#s.slice(a, b);
  }
}

/** Work per input character allowed; well above what any input needs (about 2–4). */
const BOUND = 8;

function work(text: string): number {
  const t = new CountingText(text);
  parse(t);
  return t.work;
}

// Pieces that steer random text into every branch: braces, quotes, escapes, keywords, numbers.
const piece = fc.constantFrom(
  '{',
  '}',
  '"',
  '\\',
  '\\"',
  '=',
  ',',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '#',
  '# HELP ',
  '# TYPE ',
  '# UNIT ',
  '# EOF\n',
  ' counter',
  ' histogram',
  'a',
  'x_bucket',
  '_total',
  'le',
  ':',
  '1',
  '.5',
  'e-3',
  'NaN',
  '+Inf',
  ' # {',
  'ü',
);
const adversarial = fc.array(piece, { maxLength: 400 }).map((p) => p.join(''));

describe('parse: linear time on any input', () => {
  it('never throws and touches each character a bounded number of times (random text)', () => {
    fc.assert(
      fc.property(fc.oneof(adversarial, fc.string({ maxLength: 2000 })), (text) => {
        expect(work(text)).toBeLessThanOrEqual(BOUND * (text.length + 1));
      }),
      { numRuns: 400 },
    );
  });

  it('stays linear on the classic worst cases for a naive scanner', () => {
    const n = 20_000;
    const cases = [
      'm{a="'.repeat(n), // unterminated quotes on one line
      'm{a="\n'.repeat(n), // …and on many lines, each scanning for a quote that never comes
      '\\'.repeat(n * 5), // escapes
      `m{${'a="b",'.repeat(n)}} 1\n`, // one huge label set
      `${'#'.repeat(n)}\n`.repeat(5), // comment storms
      'x_bucket{le="1"} 1\n'.repeat(n), // many samples in an undeclared family
      `${'a'.repeat(n)}_total 1\n`.repeat(5), // long names against the suffix table
    ];
    for (const text of cases) {
      expect(work(text), text.slice(0, 20)).toBeLessThanOrEqual(BOUND * (text.length + 1));
      expect(() => parse(text)).not.toThrow();
    }
  });
});
