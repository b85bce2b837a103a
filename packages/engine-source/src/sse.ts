/** One server-sent event: its `event:` type (if any) and its `data:` lines joined by `\n`. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/** Longest event kept (1 MiB); a longer one is dropped, so a broken upstream cannot grow memory. */
const MAX_EVENT_CHARS = 1 << 20;

/**
 * Incremental `text/event-stream` decoder (WHATWG HTML §9.2.6): lines end in LF, CRLF or CR, even
 * across chunk boundaries; one optional space after the colon is removed (vLLM writes `data: {…}`,
 * TGI writes `data:{…}`); comment lines (`: keep-alive`) are ignored; a blank line ends an event.
 *
 * @example
 * const d = new SseDecoder();
 * for await (const bytes of response.body) for (const e of d.push(bytes)) console.log(e.data);
 */
export class SseDecoder {
  readonly #text = new TextDecoder();
  #line = '';
  #data: string[] = [];
  #size = 0;
  #event: string | undefined;
  #afterCR = false;
  #oversized = false;
  /** Events dropped for being longer than 1 MiB. */
  dropped = 0;

  /** Decodes a chunk and returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.#text.decode(chunk, { stream: true });
    const out: SseEvent[] = [];
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 10 && this.#afterCR && i === from && this.#line === '') {
        // The LF of a CRLF split across two chunks (or within one): already handled at the CR.
        this.#afterCR = false;
        from = i + 1;
        continue;
      }
      this.#appendLine(text.slice(from, i));
      this.#afterCR = c === 13;
      if (this.#afterCR && text.charCodeAt(i + 1) === 10) {
        i++;
        this.#afterCR = false;
      }
      from = i + 1;
      const e = this.#takeLine();
      if (e) out.push(e);
    }
    if (from < text.length) {
      this.#afterCR = false;
      this.#appendLine(text.slice(from));
    }
    return out;
  }

  /** Ends the stream; an event without its closing blank line is dispatched, as browsers do not. */
  end(): SseEvent[] {
    const rest = this.push(this.#text.decode());
    if (this.#line !== '') {
      const e = this.#takeLine();
      if (e) rest.push(e);
    }
    const last = this.#dispatch();
    return last ? [...rest, last] : rest;
  }

  #appendLine(part: string): void {
    if (this.#line.length + part.length > MAX_EVENT_CHARS) this.#oversized = true;
    else this.#line += part;
  }

  #takeLine(): SseEvent | undefined {
    const line = this.#line;
    this.#line = '';
    if (line === '') return this.#dispatch();
    if (line.charCodeAt(0) === 58) return undefined; // a comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      this.#size += value.length;
      if (this.#size > MAX_EVENT_CHARS) this.#oversized = true;
      else this.#data.push(value);
    } else if (field === 'event') this.#event = value;
    return undefined;
  }

  #dispatch(): SseEvent | undefined {
    const oversized = this.#oversized;
    const has = this.#data.length > 0;
    const e = { event: this.#event, data: this.#data.join('\n') };
    this.#data = [];
    this.#size = 0;
    this.#event = undefined;
    this.#oversized = false;
    if (oversized) {
      this.dropped++;
      return undefined;
    }
    return has ? e : undefined;
  }
}
