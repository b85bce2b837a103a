import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardApp, generateTraffic, startDashboardApp } from './dashboard/app.js';
import { findChromium, launchChromium } from './dashboard/chromium.js';

/**
 * The dashboard page in a real headless Chromium, against a real Fastify app with the inferlens
 * plugin and a simulated engine: the page's own polling, parsing and rendering, nothing mocked.
 */
// A missing browser is a broken setup, not a reason to skip: `pnpm test:all` installs it.
const executable = findChromium();
if (executable === undefined)
  throw new Error('chromium not found on PATH: install it with `bash scripts/system-deps.sh`');

const tile = (page: Page, key: string) => page.locator(`[data-k="${key}"] .v`);
const POLL = { timeout: 20_000, interval: 250 };
// A browser start, two scrapes 2 s apart and a stop, on a shared 2-core CI machine.
const BROWSER_TEST_MS = 90_000;

describe('the dashboard in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    browser = await launchChromium(executable);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it(
    'shows live HTTP and engine figures, then the scrape-failed state when the server stops',
    async () => {
      const server: DashboardApp = await startDashboardApp();
      const traffic = generateTraffic(server.url, 4);
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      try {
        await page.goto(`${server.url}/dashboard`);
        // Rates need two scrapes 2 s apart; the engine runs requests throughout.
        await expect
          .poll(() => tile(page, 'http.rps').textContent(), POLL)
          .toMatch(/^(?!0\/s)[\d.,]+\/s$/);
        await expect
          .poll(() => tile(page, 'http.p95').textContent(), POLL)
          .toMatch(/^[\d.]+ (µs|ms|s)$/);
        await expect
          .poll(() => tile(page, 'llm.running').textContent(), POLL)
          .toMatch(/^[1-9]\d*$/);
        await expect
          .poll(() => tile(page, 'llm.tokens').textContent(), POLL)
          .toMatch(/^(?!0\/s)[\d.,]+\/s$/);
        await expect
          .poll(() => tile(page, 'llm.ttft95').textContent(), POLL)
          .toMatch(/^[\d.]+ (µs|ms|s)$/);
        await expect
          .poll(() => tile(page, 'http.errors').textContent(), POLL)
          .toMatch(/^(?!0 %)[\d.]+ %$/);
        const routes = await page.locator('#routes tbody').textContent();
        expect(routes).toContain('/v1/completions');
        expect(routes).toContain('/boom');
        expect(await page.locator('#models tbody').textContent()).toContain('dash-model');
        expect(await page.locator('#st-status').textContent()).toBe('ready');
        expect(await page.locator('#st-engine').textContent()).toBe('sim');
        expect(await page.locator('#st-version').textContent()).toMatch(/^9\.9\.9 \(inferlens /);
        expect(await page.locator('#scrape').textContent()).toMatch(/^live · /);
        expect(errors).toEqual([]); // no script error, no failed fetch while the app is up
        if (process.env.DASHBOARD_SCREENSHOT)
          await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
        await traffic.stop();
        await server.app.close();
        await expect
          .poll(() => page.locator('#scrape').textContent(), POLL)
          .toMatch(/^scrape failed: .+ · showing data from \d\d:\d\d:\d\d/);
        expect(await page.locator('body').getAttribute('class')).toBe('stale');
      } finally {
        await traffic.stop();
        await page.close();
        await server.app.close();
      }
    },
    BROWSER_TEST_MS,
  );

  it(
    'with a bearer token: the open page asks for it, keeps it in the tab and sends it',
    async () => {
      const server = await startDashboardApp({ auth: { bearer: 'browser-token' } });
      const page = await browser.context.newPage();
      try {
        await page.goto(`${server.url}/dashboard`);
        await expect
          .poll(() => page.locator('#scrape').textContent(), POLL)
          .toMatch(/^scrape failed: unauthorized: enter the bearer token/);
        await page.locator('#token').fill('browser-token');
        await page.locator('#auth button[type="submit"]').click();
        await expect.poll(() => page.locator('#scrape').textContent(), POLL).toMatch(/^live · /);
        expect(await page.locator('#token-state').textContent()).toBe('token set for this tab');
        expect(await page.evaluate('sessionStorage.getItem("inferlens.dashboard.token")')).toBe(
          'browser-token',
        );
        expect(await page.locator('#st-status').textContent()).toBe('ready');
        expect(await page.content()).not.toContain('browser-token'); // never written into the page
      } finally {
        await page.close();
        await server.app.close();
      }
    },
    BROWSER_TEST_MS,
  );

  it(
    'with basic auth: the browser is asked once and resends the credentials',
    async () => {
      const server = await startDashboardApp({
        auth: { basic: { username: 'ops', password: 'pw' } },
      });
      const denied = await fetch(`${server.url}/dashboard`);
      expect(denied.status).toBe(401);
      const withCredentials = await launchChromium(executable, {
        httpCredentials: { username: 'ops', password: 'pw' },
      });
      const page = await withCredentials.context.newPage();
      try {
        await page.goto(`${server.url}/dashboard`);
        await expect.poll(() => page.locator('#scrape').textContent(), POLL).toMatch(/^live · /);
        expect(await page.locator('#auth').isHidden()).toBe(true);
        expect(await page.locator('#st-status').textContent()).toBe('ready');
      } finally {
        await withCredentials.close();
        await server.app.close();
      }
    },
    BROWSER_TEST_MS,
  );

  it(
    'works when the app runs under tsx (the script was bundled at build time: no loader of the app rewrites it)',
    async () => {
      const serve = fileURLToPath(new URL('./dashboard/serve.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', serve], {
        cwd: fileURLToPath(new URL('.', import.meta.url)),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      try {
        await expect.poll(() => output, { timeout: 30_000 }).toMatch(/dashboard app on http:/);
        const url = /dashboard app on (http:\/\/\S+)/.exec(output)?.[1];
        await page.goto(`${url}/dashboard`);
        await expect
          .poll(() => page.locator('#scrape').textContent(), POLL)
          .toMatch(/^live · .* · rates over \d+ s$/);
        expect(await page.locator('#routes tbody').textContent()).toBe('no requests in the window');
        expect(await page.locator('#st-status').textContent()).toBe('ready');
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        child.kill('SIGKILL');
      }
    },
    BROWSER_TEST_MS,
  );
});
