/** The parts of OpenAI's `/v1/chat/completions` and `/v1/completions` this server honours. */

export interface GenerationRequest {
  model: string | undefined;
  maxTokens: number;
  stream: boolean;
  includeUsage: boolean;
  stop: string[];
  temperature: number | undefined;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** An HTTP error in OpenAI's error shape. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  constructor(status: number, type: string, message: string, param: string | null = null) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
  }

  toJSON(): object {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.status },
    };
  }
}

const bad = (message: string, param: string) =>
  new ApiError(400, 'BadRequestError', message, param);

function object(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw bad('The request body must be a JSON object.', 'body');
  return body as Record<string, unknown>;
}

function common(b: Record<string, unknown>, defaultMaxTokens: number): GenerationRequest {
  if (b.model !== undefined && typeof b.model !== 'string')
    throw bad('`model` must be a string.', 'model');
  const max = b.max_completion_tokens ?? b.max_tokens ?? defaultMaxTokens;
  if (!Number.isInteger(max) || (max as number) < 1)
    throw bad('`max_tokens` must be a positive integer.', 'max_tokens');
  if (b.n !== undefined && b.n !== 1) throw bad('Only `n` = 1 is supported.', 'n');
  if (b.stream !== undefined && typeof b.stream !== 'boolean')
    throw bad('`stream` must be a boolean.', 'stream');
  const stop = b.stop === undefined || b.stop === null ? [] : [b.stop].flat();
  if (!stop.every((s) => typeof s === 'string' && s !== ''))
    throw bad('`stop` must be a string or an array of strings.', 'stop');
  if (b.temperature !== undefined && typeof b.temperature !== 'number')
    throw bad('`temperature` must be a number.', 'temperature');
  const options = b.stream_options as { include_usage?: unknown } | undefined | null;
  return {
    model: b.model as string | undefined,
    maxTokens: max as number,
    stream: b.stream === true,
    includeUsage: options?.include_usage === true,
    stop: stop as string[],
    temperature: b.temperature as number | undefined,
  };
}

/** Validates a `/v1/completions` body; throws {@link ApiError} 400 naming the bad field. */
export function parseCompletionRequest(body: unknown, defaultMaxTokens: number) {
  const b = object(body);
  if (typeof b.prompt !== 'string') throw bad('`prompt` must be a string.', 'prompt');
  return { ...common(b, defaultMaxTokens), prompt: b.prompt };
}

/** Validates a `/v1/chat/completions` body; the last message must be the user's. */
export function parseChatRequest(body: unknown, defaultMaxTokens: number) {
  const b = object(body);
  const messages = b.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    throw bad('`messages` must be a non-empty array.', 'messages');
  const out: ChatMessage[] = [];
  for (const m of messages) {
    const role = (m as { role?: unknown })?.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant')
      throw bad('Each message needs a role of system, user or assistant.', 'messages');
    out.push({ role, content: textOf((m as { content?: unknown }).content) });
  }
  if (out.at(-1)?.role !== 'user') throw bad('The last message must be from the user.', 'messages');
  return { ...common(b, defaultMaxTokens), messages: out };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const usage = (prompt: number, completion: number): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

export interface ResponseHead {
  id: string;
  created: number;
  model: string;
}

/** One response object (`kind` chat or text), whole or a streamed chunk. */
export function choiceObject(
  kind: 'chat' | 'text',
  chunked: boolean,
  head: ResponseHead,
  text: string | undefined,
  finishReason: string | null,
  u?: Usage,
): object {
  const choice =
    text === undefined
      ? undefined
      : kind === 'text'
        ? { index: 0, text, logprobs: null, finish_reason: finishReason }
        : chunked
          ? { index: 0, delta: { content: text }, logprobs: null, finish_reason: finishReason }
          : {
              index: 0,
              message: { role: 'assistant', content: text },
              logprobs: null,
              finish_reason: finishReason,
            };
  const object =
    kind === 'text' ? 'text_completion' : chunked ? 'chat.completion.chunk' : 'chat.completion';
  const base = { ...head, object, choices: choice ? [choice] : [] };
  return u ? { ...base, usage: u } : base;
}
