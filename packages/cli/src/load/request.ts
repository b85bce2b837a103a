import { SseDecoder } from '@inferlens/engine-source/internal';

export interface ChatRequest {
  url: string;
  model: string | undefined;
  messages: { role: string; content: string }[];
  maxTokens: number;
  stream: boolean;
  /** Abort after this many content chunks (a client that goes away); undefined never aborts. */
  abortAfterChunks: number | undefined;
  timeoutMs: number;
  headers: Record<string, string>;
}

/** What the client saw of one request. */
export interface ChatOutcome {
  status: 'ok' | 'aborted' | 'error';
  error?: string;
  /** Seconds from sending to the first content chunk (streams only). */
  ttft?: number;
  /** Seconds between successive content chunks (streams only). */
  itl: number[];
  e2e: number;
  /** Content chunks received (streams), a proxy for tokens when there is no usage. */
  chunks: number;
  usage?: { prompt: number; completion: number; cached?: number };
}

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

const readUsage = (u: Usage | undefined | null): ChatOutcome['usage'] =>
  u && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number'
    ? {
        prompt: u.prompt_tokens,
        completion: u.completion_tokens,
        ...(typeof u.prompt_tokens_details?.cached_tokens === 'number'
          ? { cached: u.prompt_tokens_details.cached_tokens }
          : {}),
      }
    : undefined;

/**
 * Sends one OpenAI-compatible chat completion and times it as a client sees it: TTFT to the first
 * chunk that carries content, ITL between content chunks, usage from the last chunk
 * (`stream_options.include_usage`). Never throws; bounded by `timeoutMs`.
 */
export async function sendChat(req: ChatRequest): Promise<ChatOutcome> {
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`no answer in ${req.timeoutMs} ms`)),
    req.timeoutMs,
  );
  const out: ChatOutcome = { status: 'ok', itl: [], e2e: 0, chunks: 0 };
  try {
    const res = await fetch(`${req.url}/v1/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', ...req.headers },
      body: JSON.stringify({
        ...(req.model ? { model: req.model } : {}),
        messages: req.messages,
        max_tokens: req.maxTokens,
        stream: req.stream,
        ...(req.stream ? { stream_options: { include_usage: true } } : {}),
      }),
    });
    if (!res.ok) {
      const body = (await res.text().catch(() => '')).slice(0, 200);
      return { ...out, status: 'error', error: `HTTP ${res.status} ${body}`.trim(), e2e: since() };
    }
    if (!req.stream) {
      const body = (await res.json()) as { usage?: Usage };
      return { ...out, e2e: since(), usage: readUsage(body.usage) };
    }
    const decoder = new SseDecoder();
    let last = 0;
    let leaving = false;
    read: for await (const bytes of res.body as AsyncIterable<Uint8Array>) {
      for (const e of decoder.push(bytes)) {
        if (e.data === '[DONE]') continue;
        const chunk = JSON.parse(e.data) as {
          choices?: { delta?: { content?: string | null } }[];
          usage?: Usage | null;
        };
        if (chunk.usage) out.usage = readUsage(chunk.usage);
        if (!chunk.choices?.some((c) => c.delta?.content)) continue;
        const now = since();
        if (out.ttft === undefined) out.ttft = now;
        else out.itl.push(now - last);
        last = now;
        out.chunks++;
        if (req.abortAfterChunks !== undefined && out.chunks >= req.abortAfterChunks) {
          leaving = true;
          break read;
        }
      }
    }
    if (leaving) {
      // Leaving the loop cancelled the body; aborting closes the connection, as a client that
      // goes away does, so the server sees the disconnect.
      controller.abort(new Error('client abort'));
      return { ...out, status: 'aborted', e2e: since() };
    }
    return { ...out, e2e: since() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...out,
      status: 'error',
      error: controller.signal.aborted
        ? String(controller.signal.reason?.message ?? message)
        : message,
      e2e: since(),
    };
  } finally {
    clearTimeout(timer);
  }
}
