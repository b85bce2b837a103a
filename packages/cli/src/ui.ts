import { createColors } from 'picocolors';

/** Exit codes CI can use: 0 healthy, 1 problems found, 2 usage or connection error. */
export const EXIT = { ok: 0, problems: 1, error: 2 } as const;

/**
 * An expected failure (bad flag, unreachable target, bad config): printed as one line, never with
 * a stack trace, and exits 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Colour only on a TTY and never with `NO_COLOR`. Passed explicitly: picocolors' own detection
 * turns colour on whenever `CI` is set, even when the output is a pipe.
 */
export const colors = createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);

/** A line on stderr, rewritten in place, only when stderr is a terminal. */
export class Progress {
  readonly #tty = Boolean(process.stderr.isTTY);
  #shown = false;
  #timer: NodeJS.Timeout | undefined;

  /** Shows `text()` every 250 ms after the first `delayMs` (anything quicker stays silent). */
  start(text: () => string, delayMs = 1000): this {
    if (!this.#tty) return this;
    const tick = () => this.update(text());
    this.#timer = setTimeout(() => {
      tick();
      this.#timer = setInterval(tick, 250);
      this.#timer.unref();
    }, delayMs);
    this.#timer.unref();
    return this;
  }

  update(line: string): void {
    if (!this.#tty) return;
    const width = process.stderr.columns || 100;
    process.stderr.write(`\r\x1b[2K${line.slice(0, Math.max(10, width - 1))}`);
    this.#shown = true;
  }

  stop(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#timer);
    if (this.#shown) process.stderr.write('\r\x1b[2K');
    this.#shown = false;
  }
}

/** Rows as aligned columns (the first row is the header when `header` is true). */
export function table(rows: readonly (readonly string[])[], header = true): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes take no columns.
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visible(c));
    });
  return rows.map((r, n) => {
    const line = r
      .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - visible(c))))
      .join('  ')
      .trimEnd();
    return header && n === 0 ? colors.bold(line) : line;
  });
}

/** `1234567` → `1.2 MB`; bytes as a person reads them. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Seconds as `850 ms` / `1.24 s`; `–` when unknown. */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  return seconds < 1
    ? `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 0)} ms`
    : `${seconds.toFixed(2)} s`;
}

/** Reads a duration flag: `500ms`, `2s`, `1m`, or a bare number of seconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 500ms, 2s, 1m)`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Every string in `value`, made safe for a terminal: control characters (a hostile target's label
 * values could carry escape sequences that rewrite the screen) written as `\xNN`, and each string
 * cut at `max` characters. `--json` needs none of this: JSON escapes them itself.
 */
export function printable<T>(value: T, max = 500): T {
  if (typeof value === 'string') {
    const safe = value.replace(
      CONTROL,
      (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`,
    );
    return (safe.length > max ? `${safe.slice(0, max)}…` : safe) as T;
  }
  if (Array.isArray(value)) return value.map((v) => printable(v, max)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v, max)])) as T;
  return value;
}
