import { build } from 'esbuild';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from './helpers/otlp-receiver.js';
import { checkOtlpPush, checkStreamsAndAbort } from './helpers/runtime-checks.js';
import { workspaceEntries } from './helpers/workspace-entries.js';

/**
 * Core, @inferlens/hono and @inferlens/otel/otlp in workerd, Cloudflare's Workers runtime:
 * test/workerd/worker.ts (test/helpers/runtime-app.ts as a Worker module) is bundled with esbuild
 * for the worker/browser conditions from the workspace sources, and run by Miniflare (the
 * `miniflare` devDependency and its `workerd` binary, offline) without `nodejs_compat`, so the
 * bundle must need no `node:*` module. The OTLP exporters send with `fetch` to the receiver here.
 *
 * workerd never cancels the body of a client that left (it stops pulling it): the middleware and
 * the app see the abort through `request.signal`, which workerd aborts only with the
 * `enable_request_signal` compatibility flag, so the Worker runs with it, as a Worker must.
 *
 * Miniflare 4.20260426 is the newest that runs on Node 20 (later ones need Node 22).
 */
const WORKER = new URL('./workerd/worker.ts', import.meta.url).pathname;

async function bundleWorker(): Promise<string> {
  const entries = workspaceEntries();
  const result = await build({
    entryPoints: [WORKER],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'silent',
    plugins: [
      {
        name: 'inferlens-workspace',
        setup(b) {
          b.onResolve({ filter: /^@inferlens\// }, ({ path }) =>
            entries[path] !== undefined
              ? { path: entries[path] }
              : { errors: [{ text: `no workspace entry point ${path}` }] },
          );
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}

describe('core and @inferlens/hono in workerd (Miniflare)', () => {
  let receiver: OtlpReceiver;
  let mf: Miniflare;
  let url: string;
  let script: string;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    script = await bundleWorker();
    // Loaded here so that a missing install fails with what to do, not a bare resolution error.
    const { Miniflare } = await import('miniflare').catch((error: Error) => {
      throw new Error(
        `no miniflare (${error.message}): run pnpm install (a devDependency of test/)`,
      );
    });
    mf = new Miniflare({
      modules: true,
      script,
      compatibilityDate: '2026-04-01',
      compatibilityFlags: ['enable_request_signal'],
      bindings: { OTLP_URL: receiver.url },
      cf: false, // no fetch of the Request.cf data from the network
    });
    const ready = await mf.ready.catch((error: Error) => {
      throw new Error(`workerd did not start (${error.message}): run pnpm install`);
    });
    url = ready.href.replace(/\/$/, '');
  });
  afterAll(async () => {
    await mf?.dispose();
    await receiver?.close();
  });

  it('bundles for Workers with no node:* import', () => {
    expect(script).not.toMatch(/["']node:/);
    expect(script).toContain('inferlensMiddleware');
  });

  it('records a full SSE stream and a client abort from the body, and the engine through instrument()', async () => {
    await checkStreamsAndAbort(url, 'workerd');
  });

  // The figures of the streams above, so this runs after that test.
  it('pushes the same figures over OTLP/HTTP with fetch, as protobuf and as JSON (@inferlens/otel/otlp)', async () => {
    const { protoBytes, jsonBytes } = await checkOtlpPush(url, receiver, 'workerd');
    expect(protoBytes).toBeLessThan(jsonBytes);
  });
});
