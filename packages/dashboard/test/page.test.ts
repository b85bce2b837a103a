import { createHash } from 'node:crypto';
import { runInNewContext, Script } from 'node:vm';
import { createLens, schema } from '@inferlens/core/internal';
import { describe, expect, it } from 'vitest';
import { bundleScript } from '../scripts/bundle.mjs';
import { formatValue, sparklinePoints } from '../src/browser/format.js';
import { BROWSER_SCRIPT } from '../src/generated/script.js';
import { dashboardHeaders } from '../src/headers.js';
import { dashboardPage, relativeUrl } from '../src/page.js';

const OPTIONS = {
  dashboardPath: '/dashboard',
  metricsPath: '/metrics',
  statusPath: '/status' as const,
  auth: 'none' as const,
};

/** The JSON config the page embeds. */
function configOf(html: string): Record<string, unknown> {
  const m = /<script id="inferlens-config" type="application\/json">(.*?)<\/script>/s.exec(html);
  if (!m?.[1]) throw new Error('no config in the page');
  return JSON.parse(m[1]);
}

describe('dashboardPage', () => {
  it('polls URLs relative to the page, so a proxy prefix keeps working', () => {
    expect(relativeUrl('/dashboard', '/metrics')).toBe('./metrics');
    expect(relativeUrl('/ops/dashboard', '/metrics')).toBe('../metrics');
    expect(relativeUrl('/ops/dashboard', '/ops/metrics')).toBe('./metrics');
    expect(relativeUrl('/a/b/dashboard', '/a/c/status')).toBe('../c/status');
    expect(relativeUrl('/dashboard', '/internal/metrics')).toBe('./internal/metrics');
    const page = dashboardPage({ ...OPTIONS, dashboardPath: '/ops/dash', statusPath: false });
    expect(configOf(page.html)).toMatchObject({ metricsUrl: '../metrics', statusUrl: null });
    // Resolved the way the browser resolves them.
    expect(new URL('../metrics', 'https://h/prefix/ops/dash').pathname).toBe('/prefix/metrics');
  });

  it('embeds the schema names (renamed like /metrics) and no data', () => {
    const rename = (n: string) => (n.startsWith('http_') ? `gw_${n}` : n);
    const page = dashboardPage({ ...OPTIONS, rename });
    const names = configOf(page.html).names as Record<string, string>;
    expect(names.httpRequests).toBe(`gw_${schema.httpRequests.prometheus}`);
    expect(names.running).toBe(schema.requestsRunning.prometheus);
    expect(names.ttftBucket).toBe(`${schema.timeToFirstToken.prometheus}_bucket`);
    expect(page.html).not.toMatch(/src=|href=|https?:\/\//); // nothing loaded from anywhere
    expect(page.html).toContain(`<script>${page.script}</script>`);
    expect(page.html).toContain(`<style>${page.style}</style>`);
  });

  it("serves the script bundled from src/browser with core's histogramQuantile, up to date", async () => {
    const { script } = dashboardPage(OPTIONS);
    // The committed module holds what a fresh bundle of the sources gives.
    expect(script).toBe(BROWSER_SCRIPT);
    expect(BROWSER_SCRIPT).toBe(await bundleScript());
    expect(script).toContain('// ../core/src/quantile.ts\n  function histogramQuantile(');
    expect(script).not.toMatch(/__name|require\(|import\(/);
    expect(() => new Script(script)).not.toThrow();
    // One script for every page, so its CSP hash is the same too.
    expect(dashboardPage({ ...OPTIONS, auth: 'bearer' }).script).toBe(script);
  });

  it('runs on its own: the bundled script scrapes, computes and renders with nothing imported', async () => {
    const lens = createLens({ engine: 'sim' });
    lens.series('requestsRunning', { model_name: 'm' }).set(4);
    const page = dashboardPage(OPTIONS);
    const texts: Record<string, string> = {};
    const el = (id: string) => ({
      set textContent(v: string) {
        texts[id] = v;
      },
      className: '',
      hidden: true,
      getAttribute: () => null,
      setAttribute: () => {},
      querySelector: () => null,
      replaceChildren: () => {},
      appendChild: () => {},
      addEventListener: () => {},
    });
    const tiles = [
      {
        ...el('tile'),
        getAttribute: (a: string) => (a === 'data-k' ? 'llm.running' : 'count'),
        querySelector: (s: string) => (s === '.v' ? el('llm.running') : null),
      },
    ];
    const requested: string[] = [];
    const timers: number[] = [];
    const context = {
      document: {
        getElementById: (id: string) =>
          id === 'inferlens-config' ? { textContent: JSON.stringify(configOf(page.html)) } : el(id),
        querySelectorAll: () => tiles,
        createElement: () => el('new'),
        body: el('body'),
      },
      sessionStorage: { getItem: () => null, setItem: () => {}, removeItem: () => {} },
      fetch: async (url: string) => {
        requested.push(url);
        return url.endsWith('metrics')
          ? new Response(lens.render())
          : new Response('{}', { status: 500 });
      },
      AbortController,
      performance,
      setTimeout: (_fn: () => void, ms: number) => timers.push(ms),
      clearTimeout: () => {},
      Date,
    };
    runInNewContext(page.script, context);
    await expect
      .poll(() => texts.scrape)
      .toMatch(/^live · \d\d:\d\d:\d\d · rates after the next scrape$/);
    expect(requested).toEqual(['./metrics', './status']);
    expect(texts['llm.running']).toBe('4');
    expect(texts['st-status']).toBe('unavailable (HTTP 500)');
    // Two fetch timeouts, then the next poll in 2 s.
    expect(timers).toEqual([4000, 4000, 2000]);
  });

  it('comes with a CSP that allows exactly its own script and style', async () => {
    const page = dashboardPage(OPTIONS);
    const headers = await dashboardHeaders(page);
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(headers['content-security-policy']).toBe(
      `default-src 'none'; script-src ${hash(page.script)}; style-src ${hash(page.style)}; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  });
});

describe('formatValue and sparklinePoints', () => {
  it('formats each kind of number, and no data as a dash', () => {
    expect(formatValue(Number.NaN, 'rate')).toBe('—');
    expect(formatValue(12.345, 'rate')).toBe('12.3/s');
    expect(formatValue(0, 'rate')).toBe('0/s');
    expect(formatValue(1234.5, 'rate')).toBe('1,235/s');
    expect(formatValue(30, 'perMinute')).toBe('30.0/min');
    expect(formatValue(0.2451, 'seconds')).toBe('245 ms');
    expect(formatValue(0.0042, 'seconds')).toBe('4.20 ms');
    expect(formatValue(0.0000421, 'seconds')).toBe('42 µs');
    expect(formatValue(1.2, 'seconds')).toBe('1.20 s');
    expect(formatValue(0.031, 'ratio')).toBe('3.10 %');
    expect(formatValue(1, 'ratio')).toBe('100 %');
    expect(formatValue(7, 'count')).toBe('7');
    expect(formatValue(2.5, 'count')).toBe('2.50');
    expect(formatValue(Number.POSITIVE_INFINITY, 'seconds')).toBe('∞');
  });

  it('draws newest on the right, zero at the bottom, and leaves gaps out', () => {
    expect(sparklinePoints([0, 1, 2], 100, 20)).toBe('0,20 50,10 100,0');
    expect(sparklinePoints([Number.NaN, 4, 4], 100, 20)).toBe('50,0 100,0');
    expect(sparklinePoints([0, 0], 100, 20)).toBe('0,20 100,20');
    expect(sparklinePoints([], 100, 20)).toBe('');
    expect(sparklinePoints([5], 100, 20)).toBe('0,0');
  });
});
