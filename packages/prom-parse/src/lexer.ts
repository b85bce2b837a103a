import type { Labels, Text } from './types.js';

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;
const LOWER_N = 110;

/** Thrown inside one line to skip it; caught by the parser, which records the message. */
export class LineError extends Error {}

/**
 * A cursor over one line of the input: `pos` moves forward only and never past `end`, so the work
 * per line is linear in its length and the whole parse is linear in the input.
 */
export class Cursor {
  readonly s: Text;
  pos = 0;
  end = 0;
  /** Where the current line starts, for column numbers in messages. */
  start = 0;

  constructor(s: Text) {
    this.s = s;
  }

  skipBlanks(): void {
    const s = this.s;
    let p = this.pos;
    const e = this.end;
    while (p < e) {
      const c = s.charCodeAt(p);
      if (c !== SPACE && c !== TAB) break;
      p++;
    }
    this.pos = p;
  }

  /** The next character code, or -1 at the end of the line. */
  peek(): number {
    return this.pos < this.end ? this.s.charCodeAt(this.pos) : -1;
  }

  expect(code: number, what: string): void {
    if (this.peek() !== code)
      throw new LineError(`expected ${what} at column ${this.pos - this.start + 1}`);
    this.pos++;
  }

  /** A metric or label name: `[a-zA-Z_:][a-zA-Z0-9_:]*` (`colons` false forbids `:`). */
  name(colons: boolean): string {
    const s = this.s;
    const start = this.pos;
    let p = start;
    const e = this.end;
    while (p < e) {
      const c = s.charCodeAt(p);
      const ok =
        (c >= 97 && c <= 122) ||
        (c >= 65 && c <= 90) ||
        c === 95 ||
        (colons && c === 58) ||
        (p > start && c >= 48 && c <= 57);
      if (!ok) break;
      p++;
    }
    if (p === start) throw new LineError(`expected a name at column ${start - this.start + 1}`);
    this.pos = p;
    return s.slice(start, p);
  }

  /** A run of non-blank characters (a value or a timestamp); empty at the end of the line. */
  token(): string {
    const s = this.s;
    const start = this.pos;
    let p = start;
    const e = this.end;
    while (p < e) {
      const c = s.charCodeAt(p);
      if (c === SPACE || c === TAB) break;
      p++;
    }
    this.pos = p;
    return start === p ? '' : s.slice(start, p);
  }

  /** The rest of the line. */
  rest(): string {
    const r = this.s.slice(this.pos, this.end);
    this.pos = this.end;
    return r;
  }

  /** A double-quoted string with `\\`, `\"` and `\n` escapes; other escapes are kept as written. */
  quoted(): string {
    this.expect(QUOTE, 'a double quote');
    const s = this.s;
    const start = this.pos;
    const e = this.end;
    let p = start;
    let escaped = false;
    while (p < e) {
      const c = s.charCodeAt(p);
      if (c === QUOTE) {
        this.pos = p + 1;
        const raw = s.slice(start, p);
        return escaped ? unescapeText(raw) : raw;
      }
      if (c === BACKSLASH) {
        escaped = true;
        p += 2;
      } else p++;
    }
    throw new LineError('unterminated quoted string');
  }

  /**
   * `{name="value",…}` after the opening brace was seen by the caller. A quoted name with no `=`
   * after it is the metric name of the UTF-8 syntax (`{"my.metric",a="b"}`); it is returned in
   * `name`. A trailing comma is allowed, as Prometheus allows it.
   */
  labels(into: Labels): string | undefined {
    let metric: string | undefined;
    this.expect(123, '{');
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (c === 125) {
        this.pos++;
        return metric;
      }
      const key = c === QUOTE ? this.quoted() : this.name(false);
      this.skipBlanks();
      if (c === QUOTE && (this.peek() === 44 || this.peek() === 125)) {
        if (metric !== undefined) throw new LineError('two metric names in braces');
        metric = key;
      } else {
        this.expect(61, '=');
        this.skipBlanks();
        setLabel(into, key, this.quoted());
      }
      this.skipBlanks();
      const d = this.peek();
      if (d === 44) this.pos++;
      else if (d !== 125)
        throw new LineError(`expected , or } at column ${this.pos - this.start + 1}`);
    }
  }
}

/** Assigns without ever touching `Object.prototype`, whatever the label name (`__proto__`). */
export function setLabel(labels: Labels, key: string, value: string): void {
  if (key === '__proto__')
    Object.defineProperty(labels, key, { value, enumerable: true, writable: true });
  else labels[key] = value;
}

export function newLabels(): Labels {
  return {} as Labels;
}

/** Undoes `\\`, `\"` and `\n`; any other backslash pair is kept as written. Linear. */
export function unescapeText(raw: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) !== BACKSLASH || i + 1 >= raw.length) continue;
    const next = raw.charCodeAt(i + 1);
    const rep = next === BACKSLASH ? '\\' : next === QUOTE ? '"' : next === LOWER_N ? '\n' : null;
    if (rep !== null) {
      out += raw.slice(from, i) + rep;
      from = i + 2;
    }
    i++;
  }
  return from === 0 ? raw : out + raw.slice(from);
}

/**
 * A sample value as Go's `strconv.ParseFloat` reads it: decimal and exponent forms, and `NaN`,
 * `Inf`, `+Inf`, `-Inf`, `Infinity` in any case. Returns undefined when it is not a number. The one
 * number reader of the repository: samples, timestamps and `le` bounds are read with it.
 *
 * @example
 * parseNumber('+Inf'); // Infinity
 * parseNumber('1e-3'); // 0.001
 */
export function parseNumber(token: string): number | undefined {
  if (token === '') return undefined;
  const n = Number(token);
  if (!Number.isNaN(n)) return n;
  switch (token.toLowerCase()) {
    case 'nan':
      return Number.NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
    default:
      return undefined;
  }
}
