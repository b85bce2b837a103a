const WORDS = (
  'the a model token cache prefix batch queue engine request stream latency answer question ' +
  'summary table metric server client gateway prompt decode prefill memory budget window rank ' +
  'shard kernel vector layer weight tensor context output input sample value label series'
).split(' ');

const words = (n: number, random: () => number) =>
  Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');

export interface PromptOptions {
  /** Share of prompts that start with one of the shared prefixes (0–1). */
  sharedShare: number;
  /** How many distinct shared prefixes (system prompts) there are. */
  prefixes: number;
  /** Words in a shared prefix, and in each prompt's own part. */
  prefixWords: number;
  promptWords: number;
  random?: () => number;
}

/**
 * Prompts that exercise the prefix cache: a share start with one of a few long shared system
 * prompts (as chat apps send), the rest are random throughout.
 *
 * @example
 * const next = promptSource({ sharedShare: 0.5, prefixes: 2, prefixWords: 200, promptWords: 30 });
 * next() // { shared: true, messages: [{ role: 'system', … }, { role: 'user', … }] }
 */
export function promptSource(options: PromptOptions) {
  const random = options.random ?? Math.random;
  const prefixes = Array.from(
    { length: Math.max(1, options.prefixes) },
    (_, i) => `You are assistant number ${i}. ${words(options.prefixWords, random)}`,
  );
  return (): { shared: boolean; messages: { role: string; content: string }[] } => {
    const user = { role: 'user', content: words(options.promptWords, random) };
    if (random() >= options.sharedShare) return { shared: false, messages: [user] };
    const system = prefixes[Math.floor(random() * prefixes.length)]!;
    return { shared: true, messages: [{ role: 'system', content: system }, user] };
  };
}
