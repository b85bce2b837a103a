import type { DashboardPage } from './page.js';

interface SubtleDigest {
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
}
declare function btoa(s: string): string;
declare const TextEncoder: new () => { encode(s: string): Uint8Array };

/**
 * Response headers of the dashboard page. The Content-Security-Policy allows exactly the page's
 * own inline script and stylesheet (by SHA-256) and fetches to its own origin: an injected script
 * could not run, nor send a token elsewhere. Without Web Crypto (no runtime we support lacks it)
 * the policy falls back to allowing inline code, still with `connect-src 'self'`.
 *
 * @example
 * const headers = await dashboardHeaders(dashboardPage(options));
 */
export async function dashboardHeaders(page: DashboardPage): Promise<Record<string, string>> {
  const [script, style] = await Promise.all([sha256(page.script), sha256(page.style)]);
  const policy = [
    "default-src 'none'",
    `script-src ${script ?? "'unsafe-inline'"}`,
    `style-src ${style ?? "'unsafe-inline'"}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
}

/** `'sha256-…'` of `text` as CSP writes it, or undefined without Web Crypto. */
async function sha256(text: string): Promise<string | undefined> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleDigest } }).crypto?.subtle;
  if (subtle === undefined) return undefined;
  try {
    const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
    return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
  } catch {
    return undefined;
  }
}
