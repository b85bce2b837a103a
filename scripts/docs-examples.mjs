#!/usr/bin/env node
// Runs the documentation: every ```ts / ```js block of the READMEs (root, packages/*, examples/*)
// and docs/ is extracted, type-checked with tsc and run with tsx against the built packages, so a
// README that stops working fails CI. The conventions are in docs/README.md:
//   ```ts            a complete program: type-checked and run; it must exit 0 within the timeout,
//                    or, when it starts an HTTP server, answer GET /metrics and stop on SIGTERM
//   ```ts no-run     a complete program that needs what CI lacks (a GPU, a real engine): type-checked
//   ```ts fragment   an illustrative piece: neither
// Usage: node scripts/docs-examples.mjs [--only <path part>] [--no-run] [--keep] [--timeout <s>]
//        [--files <a.md,b.md>] [--work <dir>]
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
// --work and --files let test/docs-examples.test.ts run the runner on Markdown of its own.
const work = option('--work') ? resolve(option('--work')) : join(root, '.docs-examples');
const preload = join(root, 'scripts', 'docs-examples-preload.mjs');
const only = option('--only');
const runBlocks = !args.includes('--no-run');
const TOKEN = 'docs-example-token';
const TIMEOUT_MS = 1000 * Number(option('--timeout') ?? 60);
const LANGS = new Map([
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['js', 'mjs'],
  ['javascript', 'mjs'],
]);

/** The Markdown files whose code blocks are documentation a user may copy. */
function markdownFiles() {
  if (option('--files')) return option('--files').split(',');
  const files = ['README.md'];
  for (const dir of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (existsSync(join(root, dir, name, 'README.md'))) files.push(`${dir}/${name}/README.md`);
    }
  }
  const walk = (dir) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`);
      else if (e.name.endsWith('.md')) files.push(`${dir}/${e.name}`);
    }
  };
  walk('docs');
  return only ? files.filter((f) => f.includes(only)) : files;
}

/** Fenced blocks with their language, flags and the line their code starts on. */
function blocks(file) {
  const lines = readFileSync(resolve(root, file), 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end].trimStart().startsWith(fence)) end++;
    i = end;
    const ext = LANGS.get(lang.toLowerCase());
    if (!ext) continue;
    const flags = rest.split(/\s+/).filter(Boolean);
    const mode = flags.includes('fragment')
      ? 'fragment'
      : flags.includes('no-run')
        ? 'check'
        : 'run';
    const code = lines
      .slice(start, end)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
    out.push({ file, line: start + 1, ext, mode, code });
  }
  return out;
}

/** name → folder of every workspace package, for the links the extracted files resolve through. */
function workspacePackages() {
  const map = new Map();
  for (const dir of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, dir))) {
      const pj = join(root, dir, name, 'package.json');
      if (existsSync(pj)) map.set(JSON.parse(readFileSync(pj, 'utf8')).name, join(root, dir, name));
    }
  }
  return map;
}

/** Where a third-party package is installed in the workspace (pnpm keeps it under its user). */
function findInstalled(name, places) {
  for (const place of places) {
    const dir = join(place, 'node_modules', name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

function link(name, target) {
  const at = join(work, 'node_modules', name);
  mkdirSync(dirname(at), { recursive: true });
  if (!existsSync(at)) symlinkSync(target, at, 'dir');
}

/** Bare module names a block imports (`@scope/name/sub` → `@scope/name`). */
function bareImports(code) {
  const names = new Set();
  for (const m of code.matchAll(/(?:from|import|require\()\s*\(?\s*['"]([^'"./][^'"]*)['"]/g)) {
    const spec = m[1];
    if (spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return names;
}

function prepare(all) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const ws = workspacePackages();
  const places = [root, ...[...ws.values()], join(root, 'test'), join(root, 'bench')];
  const missing = [];
  for (const b of all) {
    const slug = b.file.replace(/\.md$/, '').replace(/[^\w]+/g, '-');
    b.path = join(work, `${slug}-L${b.line}.${b.ext}`);
    // Each block is its own module, so two blocks may declare the same names.
    writeFileSync(
      b.path,
      /\bimport\b|\bexport\b/.test(b.code) ? b.code : `${b.code}\nexport {};\n`,
    );
    for (const name of bareImports(b.code)) {
      const target = ws.get(name) ?? findInstalled(name, places);
      if (target) link(name, target);
      else
        missing.push(`${b.file}:${b.line}: imports ${name}, which no workspace package installs`);
      // Types published apart (express → @types/express), where the package has none of its own.
      const types = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
      const typesDir = ws.has(name) ? undefined : findInstalled(types, places);
      if (typesDir) link(types, typesDir);
    }
  }
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: relative(work, join(root, 'tsconfig.base.json')),
        compilerOptions: {
          types: ['node'],
          noEmit: true,
          allowJs: true,
          checkJs: true,
          // A README shows how to use a value, not every way to use it.
          noUnusedLocals: false,
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        files: all.filter((b) => b.mode !== 'fragment').map((b) => relative(work, b.path)),
      },
      null,
      2,
    ),
  );
  // Running uses no `paths`: every import goes through the packages' exports to their dist/, as a
  // user's would, so one copy of each package is loaded.
  writeFileSync(
    join(work, 'tsconfig.run.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler' },
    }),
  );
  return missing;
}

/** One tsc run over every block; errors are mapped back to the Markdown line they come from. */
function typecheck(all) {
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const r = spawnSync(
    process.execPath,
    [tsc, '-p', join(work, 'tsconfig.json'), '--pretty', 'false'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  const byPath = new Map(all.map((b) => [b.path, b]));
  const errors = [];
  for (const line of `${r.stdout}${r.stderr}`.split('\n')) {
    const m = line.match(/^(.+?)\((\d+),(\d+)\): (error .*)$/);
    if (!m) {
      if (line.trim() && r.status !== 0 && !line.startsWith(' ')) errors.push(line);
      continue;
    }
    const b = byPath.get(resolve(root, m[1]));
    errors.push(b ? `${b.file}:${b.line + Number(m[2]) - 1}: ${m[4]}` : line);
  }
  if (r.status !== 0 && errors.length === 0) errors.push(`tsc exited with ${r.status}`);
  return errors;
}

/** Runs one block with tsx; resolves to an error message, or undefined when it behaved. */
function run(b) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', preload, b.path], {
      cwd: work,
      // The examples read their secrets from the environment; the preload sends the same token.
      env: {
        ...process.env,
        METRICS_TOKEN: TOKEN,
        NODE_ENV: 'test',
        TSX_TSCONFIG_PATH: join(work, 'tsconfig.run.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const served = output.match(/^docs-example: served \/metrics (\d+) handler=(yes|no)$/m);
      const tail = `\n    ${output.trim().split('\n').slice(-15).join('\n    ')}`;
      if (signal === 'SIGKILL')
        return resolve(
          served
            ? `still running ${TIMEOUT_MS / 1000} s after SIGTERM (its handler keeps the process alive)${tail}`
            : `did not exit within ${TIMEOUT_MS / 1000} s${tail}`,
        );
      if (served && served[1] !== '200')
        return resolve(`GET /metrics answered ${served[1]}${tail}`);
      // A server without a SIGTERM handler ends by the signal's default action: that is a clean stop.
      if (served && signal === 'SIGTERM' && served[2] === 'no') return resolve(undefined);
      if (code !== 0) return resolve(`exited with ${code ?? signal}${tail}`);
      resolve(undefined);
    });
  });
}

const all = markdownFiles().flatMap(blocks);
const failures = prepare(all);
// Finding nothing means the search broke (or --only matched nothing), not that the docs are fine.
if (all.length === 0) failures.push('no ts/js code blocks found');
failures.push(...typecheck(all));
const runnable = runBlocks ? all.filter((b) => b.mode === 'run') : [];
const started = Date.now();
// Two at a time: CI machines are small, and a block's own timing must not depend on the others.
const queue = [...runnable];
await Promise.all(
  [0, 1].map(async () => {
    for (let b = queue.shift(); b; b = queue.shift()) {
      const t = Date.now();
      const error = await run(b);
      const took = `${((Date.now() - t) / 1000).toFixed(1)} s`;
      if (error) failures.push(`${b.file}:${b.line}: ${error}`);
      console.log(`${error ? 'FAIL' : 'ok  '} ${b.file}:${b.line} (${took})`);
    }
  }),
);
const count = (mode) => all.filter((b) => b.mode === mode).length;
console.log(
  `docs: ${all.length} code blocks in ${new Set(all.map((b) => b.file)).size} files: ${runnable.length} run and type-checked, ${count('check')} type-checked only (no-run), ${count('fragment')} fragments; runs took ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`\n${failures.length} problem(s):\n${failures.join('\n')}`);
  process.exit(1);
}
