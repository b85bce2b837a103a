/**
 * The OpenAI chat-completions wire format as vLLM serves it (docs/engines.md, "vLLM", "Streaming"): the request
 * fields the quickstart honours, and builders for the response objects.
 */

export interface ChatRequest {
  model?: string;
  messages: { role: string; content: unknown }[];
  maxTokens: number;
  stream: boolean;
  /** `stream_options` was sent: usage then defaults to on, as vLLM does. */
  includeUsage: boolean;
  continuousUsage: boolean;
  /** vLLM's extra parameter: generate exactly `max_tokens`. */
  ignoreEos: boolean;
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

/** Validates a parsed request body; throws {@link ApiError} 400 naming the bad field. */
export function parseChatRequest(body: unknown, defaultMaxTokens: number): ChatRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw bad('The request body must be a JSON object.', 'body');
  const b = body as Record<string, unknown>;
  const messages = b.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    throw bad('`messages` must be a non-empty array.', 'messages');
  for (const m of messages)
    if (m === null || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string')
      throw bad('Each message needs a string `role`.', 'messages');
  if (b.model !== undefined && typeof b.model !== 'string')
    throw bad('`model` must be a string.', 'model');
  const max = b.max_completion_tokens ?? b.max_tokens ?? defaultMaxTokens;
  if (!Number.isInteger(max) || (max as number) < 1)
    throw bad('`max_tokens` must be a positive integer.', 'max_tokens');
  if (b.n !== undefined && b.n !== 1) throw bad('Only `n` = 1 is supported.', 'n');
  if (b.stream !== undefined && typeof b.stream !== 'boolean')
    throw bad('`stream` must be a boolean.', 'stream');
  const options = b.stream_options as Record<string, unknown> | undefined | null;
  if (options != null && typeof options !== 'object')
    throw bad('`stream_options` must be an object.', 'stream_options');
  // vLLM's StreamOptions defaults include_usage to true once the object is sent.
  const includeUsage = options != null && options.include_usage !== false;
  return {
    model: b.model as string | undefined,
    messages: messages as ChatRequest['messages'],
    maxTokens: max as number,
    stream: b.stream === true,
    includeUsage,
    continuousUsage: includeUsage && options?.continuous_usage_stats === true,
    ignoreEos: b.ignore_eos === true,
  };
}

/** The prompt the model sees: a minimal chat template over the messages' text. */
export function renderPrompt(messages: ChatRequest['messages']): string {
  let out = '';
  for (const m of messages) out += `<|${m.role}|>\n${textOf(m.content)}\n`;
  return `${out}<|assistant|>\n`;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
}

export interface UsageInfo {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
}

export function usageInfo(promptTokens: number, completionTokens: number): UsageInfo {
  return {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
  };
}

/** What every response of one request shares. */
export interface ResponseHead {
  id: string;
  created: number;
  model: string;
}

/** A `chat.completion.chunk`. vLLM leaves unset keys out, so `usage` appears only when given. */
export function chunk(
  head: ResponseHead,
  delta: { role?: 'assistant'; content?: string } | undefined,
  finishReason: string | null = null,
  usage?: UsageInfo,
): object {
  const choices =
    delta === undefined ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finishReason }];
  const c = {
    id: head.id,
    object: 'chat.completion.chunk',
    created: head.created,
    model: head.model,
    choices,
  };
  return usage ? { ...c, usage } : c;
}

/** A whole `chat.completion`. */
export function completion(
  head: ResponseHead,
  content: string,
  finishReason: string,
  usage: UsageInfo,
): object {
  return {
    id: head.id,
    object: 'chat.completion',
    created: head.created,
    model: head.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
      },
    ],
    usage,
  };
}
