import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from './helpers/otlp-receiver.js';
import { checkOtlpPush, checkStreamsAndAbort } from './helpers/runtime-checks.js';
import { type SpawnedServer, spawnServer } from './helpers/spawn-server.js';
import { workspaceEntries } from './helpers/workspace-entries.js';

/**
 * Core, @inferlens/hono and @inferlens/otel/otlp on Deno: test/deno/server.ts serves
 * test/helpers/runtime-app.ts with `Deno.serve` in a Deno process (the `deno` devDependency, its
 * own binary). `@inferlens/*` resolve to the workspace sources through an import map, everything
 * else from node_modules (`--node-modules-dir=manual`), and `--cached-only` with an empty
 * DENO_DIR proves nothing is fetched.
 */
const DENO = fileURLToPath(new URL('./node_modules/.bin/deno', import.meta.url));
const SERVER = fileURLToPath(new URL('./deno/server.ts', import.meta.url));

describe('core and @inferlens/hono on Deno (Deno.serve)', () => {
  let receiver: OtlpReceiver;
  let deno: SpawnedServer;
  let scratch: string;
  beforeAll(async () => {
    if (!existsSync(DENO))
      throw new Error(`no deno at ${DENO}: run pnpm install (deno is a devDependency of test/)`);
    receiver = await startOtlpReceiver();
    scratch = mkdtempSync(join(tmpdir(), 'inferlens-deno-'));
    const imports = Object.fromEntries(
      Object.entries(workspaceEntries()).map(([name, file]) => [name, pathToFileURL(file).href]),
    );
    const importMap = join(scratch, 'import-map.json');
    writeFileSync(importMap, JSON.stringify({ imports }));
    deno = await spawnServer(
      'deno',
      DENO,
      [
        'run',
        '--cached-only',
        '--node-modules-dir=manual',
        // The sources import './x.js' for './x.ts', as TypeScript's bundler resolution allows.
        '--unstable-sloppy-imports',
        `--import-map=${importMap}`,
        '--allow-net=127.0.0.1',
        '--allow-env',
        '--allow-read',
        SERVER,
      ],
      {
        ...process.env,
        OTLP_URL: receiver.url,
        DENO_DIR: join(scratch, 'deno-dir'),
        DENO_NO_UPDATE_CHECK: '1',
      },
    );
  });
  afterAll(async () => {
    deno?.child.kill('SIGKILL');
    await receiver?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('records a full SSE stream and a client abort from the body, and the engine through instrument()', async () => {
    expect(deno.output()).toMatch(/\(deno 2\.\d+\.\d+\)/);
    await checkStreamsAndAbort(deno.url, 'deno');
  });

  // The figures of the streams above, so this runs after that test.
  it('pushes the same figures over OTLP/HTTP as protobuf and as JSON (@inferlens/otel/otlp)', async () => {
    const { protoBytes, jsonBytes } = await checkOtlpPush(deno.url, receiver, 'deno');
    // protobuf is the denser of the two wire formats: a sign the bytes really are protobuf.
    expect(protoBytes).toBeLessThan(jsonBytes);
  });
});
