/** The page's script: src/browser/entry.ts and what it imports, in one IIFE. */
export function bundleScript(): Promise<string>;
