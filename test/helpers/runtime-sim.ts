/** The simulated engine of test/helpers/runtime-app.ts, and what each of its requests carries. */

export const MODEL = 'sim-1';
/** Prompt tokens each simulated request was given. */
export const PROMPT_TOKENS = 7;

type Listener = (payload: unknown) => void;

/** The least `instrument()` needs (on/off); workerd has no node:events without nodejs_compat. */
export class Engine {
  readonly #listeners = new Map<string, Set<Listener>>();
  on(event: string, listener: Listener): void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener);
    this.#listeners.set(event, set);
  }
  off(event: string, listener: Listener): void {
    this.#listeners.get(event)?.delete(listener);
  }
  emit(event: string, payload: unknown): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }
}
