// The packages as a user gets them: `pnpm pack` every public package, install the tarballs with npm
// into fresh projects outside the workspace, then
//   - print each package's install size (the package, its dependencies and our packages it needs;
//     peers left out, since the user brings those) and the size of its tarball;
//   - check each tarball with arethetypeswrong (node10, node16 CJS and ESM, bundler);
//   - import each with ESM and, where it ships CJS, with require(), on every Node runtime given
//     (the ESM and CJS builds must export the same names; the nvml addon must load its prebuild);
//   - run each command-line entry (`bin`) with --help;
//   - type-check a TS file that uses each package under moduleResolution node16, nodenext and bundler.
// Needs `pnpm build` first. Usage: node scripts/consumer-test.mjs [--node /path/to/node ...]
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const nodes = [process.execPath];
for (let i = 0; i < args.length; i++) if (args[i] === '--node') nodes.push(resolve(args[++i]));
const keep = args.includes('--keep');

// Versions of the tools the consumer project installs (the workspace pins the same TypeScript).
const TYPESCRIPT = JSON.parse(
  readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8'),
).version;
const TYPES_NODE = '^20.19.0';
const ATTW = '0.18.5';
// node-llama-cpp's postinstall would build llama.cpp from source if its prebuilt binary did not load;
// the import checks need neither.
const env = {
  ...process.env,
  NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true',
  npm_config_update_notifier: 'false',
};
const NPM = ['--prefer-offline', '--no-audit', '--no-fund'];

const failures = [];
const fail = (what, detail) => {
  failures.push(what);
  console.log(`FAIL ${what}${detail ? `\n${String(detail).trim().replace(/^/gm, '    ')}` : ''}`);
};
const run = (cmd, argv, opts = {}) =>
  spawnSync(cmd, argv, { encoding: 'utf8', env, maxBuffer: 64 << 20, ...opts });
const npm = (cwd, argv, loglevel = 'error') => {
  const r = run('npm', [...argv, ...NPM, `--loglevel=${loglevel}`], { cwd });
  if (r.status !== 0) throw new Error(`npm ${argv.join(' ')} in ${cwd}:\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
};
/** The dependencies npm says need another Node (EBADENGINE), as 'name@version (node range)'. */
const badEngines = (log) =>
  [
    ...log.matchAll(
      /EBADENGINE\s+package: '([^']+)',\s*npm warn EBADENGINE\s+required: \{ node: '([^']+)'/g,
    ),
  ].map((m) => `${m[1]} (node ${m[2]})`);

/** Bytes of every file below `dir` (apparent size) and the number of packages in a node_modules. */
function sizeOf(dir) {
  let bytes = 0;
  let packages = 0;
  const walk = (d, inNodeModules) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        if (inNodeModules && e.name !== '.bin' && !e.name.startsWith('@') && e.name !== '.cache')
          packages++;
        walk(p, e.name === 'node_modules' || (inNodeModules && e.name.startsWith('@')));
      } else bytes += statSync(p).size;
    }
  };
  walk(dir, true);
  return { bytes, packages };
}
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
const kb = (b) => `${(b / 1e3).toFixed(1)} kB`;

// 1. The public packages and their tarballs.
const pkgs = readdirSync(join(root, 'packages'))
  .map((d) => ({ dir: join(root, 'packages', d) }))
  .filter((p) => existsSync(join(p.dir, 'package.json')))
  .map((p) => ({ ...p, json: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private)
  .map((p) => ({ ...p, name: p.json.name }));
const byName = new Map(pkgs.map((p) => [p.name, p]));
const work = mkdtempSync(join(tmpdir(), 'inferlens-consumer-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
console.log(`consumer-test: ${pkgs.length} public packages, work dir ${work}`);
for (const p of pkgs) {
  const main = p.json.exports?.['.'] ?? p.json.bin;
  if (!main) fail(`${p.name}: no "." export and no bin`);
  const out = execFileSync('pnpm', ['pack', '--pack-destination', tarballs], {
    cwd: p.dir,
    encoding: 'utf8',
    env,
  });
  p.tarball = join(tarballs, out.trim().split('\n').pop().split('/').pop());
  if (!existsSync(p.tarball)) throw new Error(`pnpm pack in ${p.dir} gave no ${p.tarball}`);
  const listing = execFileSync('tar', ['-tzf', p.tarball], { encoding: 'utf8' });
  if (!listing.includes('package/dist/'))
    fail(`${p.name}: the tarball has no dist/ (run pnpm build first)`);
  if (!listing.includes('package/LICENSE')) fail(`${p.name}: the tarball has no LICENSE`);
}
const internal = (p) =>
  Object.keys({ ...p.json.dependencies, ...p.json.optionalDependencies }).filter((d) =>
    byName.has(d),
  );
const closure = (p, seen = new Set()) => {
  if (seen.has(p.name)) return seen;
  seen.add(p.name);
  for (const d of internal(p)) closure(byName.get(d), seen);
  return seen;
};

// node-llama-cpp (the peer of @inferlens/node-llama-cpp) lists llama.cpp builds for every GPU backend
// as optional dependencies, hundreds of MB that nothing here loads: empty stand-ins replace them, as
// the workspace's pnpm overrides do. Every other optional dependency installs as a user gets it.
const overrides = {};
for (const gpu of ['linux-x64-cuda', 'linux-x64-cuda-ext', 'linux-x64-vulkan']) {
  const name = `@node-llama-cpp/${gpu}`;
  mkdirSync(join(work, 'stubs', gpu), { recursive: true });
  writeFileSync(
    join(work, 'stubs', gpu, 'package.json'),
    JSON.stringify({ name, version: '0.0.0' }),
  );
  overrides[name] = `file:${join(work, 'stubs', gpu)}`;
}
const project = (dir, name) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, private: true, version: '0.0.0', overrides }, null, 2),
  );
};

// 2. Install size of each package as `npm install <package>` gives it: first with the peers left out
// (what it adds to an app that has them), then with npm's automatic peer install (from nothing).
console.log('\ninstall size: npm install <package> (its dependencies and our packages it needs)');
console.log(
  `  ${'package'.padEnd(26)} ${'no peers'.padStart(10)} ${'pkgs'.padStart(5)} ${'+ peers'.padStart(10)} ${'pkgs'.padStart(5)} ${'tarball'.padStart(9)}  peers`,
);
const sizes = [];
const engines = new Set();
// @inferlens/otel's exporters are optional peers behind its subpaths (npm installs no optional
// peer): without one, its factory must fail naming the package; with it, the size is what that door
// adds. The exporter line (0.2xx, 0.3xx) is the one of the SDK major npm chose for the peers.
const OTEL_DOORS = {
  prometheus: ['@opentelemetry/exporter-prometheus', 'createPrometheusExporter'],
  otlp: ['@opentelemetry/exporter-metrics-otlp-http', 'createOtlpReader'],
};
const exporterRange = (dir) => {
  const sdk = join(dir, 'node_modules/@opentelemetry/sdk-metrics/package.json');
  const major = Number(JSON.parse(readFileSync(sdk, 'utf8')).version.split('.')[0]);
  return `>=0.${major}00.0 <0.${major + 1}00.0`;
};
function otelDoors(dir, own) {
  for (const [door, [peer, factory]] of Object.entries(OTEL_DOORS)) {
    const probe = `const { createLens } = await import('@inferlens/core');
const m = await import('@inferlens/otel/${door}');
try { await m.${factory}(createLens({ engine: 'x' }), { preventServerStart: true }); } catch (e) { console.log(e.message); }`;
    const r = run(process.execPath, ['--input-type=module', '-e', probe], { cwd: dir });
    if (!r.stdout.includes(`needs ${peer}`))
      fail(
        `@inferlens/otel/${door} without ${peer}: no setup error naming it`,
        r.stdout + r.stderr,
      );
    npm(dir, ['install', '--ignore-scripts', '--no-save', `${peer}@${exporterRange(dir)}`]);
    // Each exporter release pins its sdk-metrics and resources exactly: align the app's to them, as
    // a user does, so one copy of the SDK serves both.
    const pins = JSON.parse(readFileSync(join(dir, 'node_modules', peer, 'package.json'), 'utf8'));
    const sdk = ['sdk-metrics', 'resources'].map(
      (n) => `@opentelemetry/${n}@${pins.dependencies[`@opentelemetry/${n}`]}`,
    );
    npm(dir, ['install', '--ignore-scripts', '--no-save', `${peer}@${exporterRange(dir)}`, ...sdk]);
    const size = sizeOf(join(dir, 'node_modules'));
    const copies = run('find', [
      join(dir, 'node_modules'),
      '-type',
      'd',
      '-path',
      '*/@opentelemetry/sdk-metrics',
    ])
      .stdout.trim()
      .split('\n').length;
    if (copies !== 1) fail(`@inferlens/otel/${door}: ${copies} copies of sdk-metrics`);
    console.log(
      `  ${`  + ${peer.split('/')[1]}`.padEnd(26)} ${mb(size.bytes - own.bytes).padStart(10)} ${String(size.packages - own.packages).padStart(5)}   (sdk-metrics copies: ${copies})`,
    );
    npm(dir, ['uninstall', '--ignore-scripts', '--no-save', peer]);
  }
}
for (const p of pkgs) {
  const dir = join(work, 'size', p.name.replace('/', '__'));
  project(dir, 'size-probe');
  const tgz = [...closure(p)].map((n) => byName.get(n).tarball);
  try {
    const log = npm(dir, ['install', '--omit=peer', '--ignore-scripts', ...tgz], 'warn');
    for (const dep of badEngines(log)) engines.add(`${p.name} brings ${dep}`);
    const own = sizeOf(join(dir, 'node_modules'));
    npm(dir, ['install', '--ignore-scripts']);
    const all = sizeOf(join(dir, 'node_modules'));
    const peers = Object.keys(p.json.peerDependencies ?? {});
    sizes.push({ name: p.name, own, all, tarball: statSync(p.tarball).size });
    console.log(
      `  ${p.name.padEnd(26)} ${mb(own.bytes).padStart(10)} ${String(own.packages).padStart(5)} ${mb(all.bytes).padStart(10)} ${String(all.packages).padStart(5)} ${kb(statSync(p.tarball).size).padStart(9)}  ${peers.join(', ')}`,
    );
    if (p.name === '@inferlens/otel') otelDoors(dir, all);
  } catch (e) {
    fail(`${p.name}: npm install of its tarball`, e.message);
  }
  rmSync(dir, { recursive: true, force: true });
}
if (byName.has('@inferlens/node-llama-cpp'))
  console.log(
    '  (+ peers for @inferlens/node-llama-cpp: without the GPU builds of llama.cpp, which npm adds on Linux x64)',
  );

// Not a failure (the suites pass on this Node), but npm warns every user of this Node about it.
if (engines.size)
  console.log(
    `  npm warns on Node ${process.version} (EBADENGINE), though our packages say ${pkgs[0].json.engines?.node ?? 'any'}:\n    ${[...engines].join('\n    ')}`,
  );

// 3. One project with every package and its peers, for the import and type checks.
const app = join(work, 'app');
project(app, 'consumer');
const t0 = Date.now();
npm(app, ['install', ...pkgs.map((p) => p.tarball)]);
if (byName.has('@inferlens/otel'))
  npm(app, [
    'install',
    ...Object.values(OTEL_DOORS).map(([peer]) => `${peer}@${exporterRange(app)}`),
  ]);
npm(app, [
  'install',
  '--save-dev',
  `typescript@${TYPESCRIPT}`,
  `@types/node@${TYPES_NODE}`,
  `@arethetypeswrong/cli@${ATTW}`,
]);
console.log(
  `\nconsumer project: all ${pkgs.length} packages with their peers installed in ${((Date.now() - t0) / 1000).toFixed(1)} s (${mb(sizeOf(join(app, 'node_modules')).bytes)} with the test tools)`,
);

// 4. arethetypeswrong on each tarball. ESM-only packages cannot be required from CJS under node16;
// that is what they are, so that one resolution is not checked for them.
const cjsShipped = (p) => Boolean(p.json.exports?.['.']?.require);
for (const p of pkgs) {
  if (!p.json.exports?.['.']) continue;
  const flags = ['--format', 'ascii', '--no-emoji', '--no-color'];
  if (!cjsShipped(p)) flags.push('--profile', 'esm-only');
  const r = run(join(app, 'node_modules/.bin/attw'), [p.tarball, ...flags], { cwd: app });
  if (r.status !== 0) fail(`${p.name}: arethetypeswrong`, r.stdout + r.stderr);
  else console.log(`attw ok: ${p.name}${cjsShipped(p) ? '' : ' (ESM only)'}`);
}

// 5. Imports on every runtime.
// @inferlens/otel's exporter doors are imported and type-checked as entries of their own.
const doors = byName.has('@inferlens/otel')
  ? Object.keys(OTEL_DOORS).map((d) => ({
      ...byName.get('@inferlens/otel'),
      name: `@inferlens/otel/${d}`,
    }))
  : [];
// Each ./internal entry (between @inferlens packages, no semver promise) is imported and type-checked
// too, and must share one copy of each module with its package's main entry.
const internals = pkgs
  .filter((p) => p.json.exports?.['./internal'])
  .map((p) => ({ ...p, name: `${p.name}/internal` }));
const withMain = [...pkgs.filter((p) => p.json.exports?.['.']), ...doors, ...internals];
writeFileSync(
  join(app, 'check.mjs'),
  `import { createRequire } from 'node:module';
const names = ${JSON.stringify(withMain.map((p) => ({ name: p.name, cjs: cjsShipped(p) })))};
const require = createRequire(import.meta.url);
const out = [];
for (const { name, cjs } of names) {
  const esm = await import(name);
  const keys = Object.keys(esm).filter((k) => k !== 'default').sort();
  if (keys.length === 0) throw new Error(name + ': the ESM entry exports nothing');
  let line = name + ': ESM ' + keys.length + ' names';
  if (cjs) {
    const c = require(name);
    if (c[Symbol.toStringTag] === 'Module') throw new Error(name + ': require() got the ESM build');
    const ckeys = Object.keys(c).filter((k) => k !== 'default').sort();
    const diff = keys.filter((k) => !ckeys.includes(k)).concat(ckeys.filter((k) => !keys.includes(k)));
    if (diff.length) throw new Error(name + ': ESM and CJS builds differ in ' + diff.join(', '));
    line += ', CJS the same';
  } else line += ', ESM only';
  out.push(line);
}
for (const { name, cjs } of names.filter((n) => n.name.endsWith('/internal'))) {
  const main = name.slice(0, -'/internal'.length);
  const pairs = [[await import(main), await import(name)]];
  if (cjs) pairs.push([require(main), require(name)]);
  for (const [a, b] of pairs)
    for (const k of Object.keys(a))
      if (k !== 'default' && k in b && a[k] !== b[k])
        throw new Error(name + ': ' + k + ' is a second copy of ' + main + "'s");
  out.push(name + ': the same objects as ' + main + (cjs ? ' (ESM and CJS)' : ''));
}
if (names.some((n) => n.name === '@inferlens/nvml')) {
  const { createLens } = await import('@inferlens/core');
  const { createGpuSource } = await import('@inferlens/nvml');
  const gpus = createGpuSource({ lens: createLens({ engine: 'consumer' }), intervalMs: 60_000 });
  const s = gpus.status();
  gpus.close();
  if (!s.native) throw new Error('@inferlens/nvml: the native addon did not load: ' + s.message);
  out.push('@inferlens/nvml: native addon loaded from the prebuild (' + (s.available ? 'GPU' : s.reason) + ')');
}
console.log(out.join('\\n'));
`,
);
for (const node of nodes) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const r = run(node, ['check.mjs'], { cwd: app, timeout: 120_000 });
  if (r.status !== 0) {
    fail(`imports on Node ${version}`, r.stdout + r.stderr);
    continue;
  }
  console.log(`\nimports on Node ${version}: ${withMain.length} packages ok`);
  const lines = r.stdout.trim().split('\n');
  console.log(
    (node === nodes[0] ? lines : lines.filter((l) => l.includes('nvml: native')))
      .join('\n')
      .replace(/^/gm, '  '),
  );
  for (const p of pkgs)
    for (const [bin, file] of Object.entries(
      typeof p.json.bin === 'string' ? { [p.name]: p.json.bin } : (p.json.bin ?? {}),
    )) {
      const b = run(node, [join(app, 'node_modules', p.name, file), '--help'], {
        cwd: app,
        timeout: 60_000,
      });
      if (b.status !== 0) fail(`${bin} --help on Node ${version}`, b.stdout + b.stderr);
      else console.log(`  ${bin} --help ok`);
    }
}

// 6. TypeScript: a file that uses every package, under three module resolutions; node16 and nodenext
// check an ESM file (.mts) and, as a separate program, a CJS file (.cts) for the packages that ship
// CJS. skipLibCheck is off, so our .d.ts files are checked too; errors inside other packages' types
// (node-llama-cpp's, today) are shown but do not fail the test.
const id = (n) => n.replace(/[^a-zA-Z0-9]/g, '_');
const use = (p) =>
  `export const ${id(p.name)}_names: number = Object.keys(${id(p.name)}).length;\n`;
const esmSource = withMain
  .map((p) => `import * as ${id(p.name)} from '${p.name}';\n${use(p)}`)
  .join('');
const cjsSource = withMain
  .filter(cjsShipped)
  .map((p) => `import ${id(p.name)} = require('${p.name}');\n${use(p)}`)
  .join('');
writeFileSync(join(app, 'esm.mts'), esmSource);
writeFileSync(join(app, 'cjs.cts'), cjsSource);
writeFileSync(join(app, 'bundler.ts'), esmSource);
const base = { strict: true, noEmit: true, skipLibCheck: false, types: ['node'], target: 'es2022' };
const configs = {
  'node16-esm': { module: 'node16', moduleResolution: 'node16', file: 'esm.mts' },
  'node16-cjs': { module: 'node16', moduleResolution: 'node16', file: 'cjs.cts' },
  'nodenext-esm': { module: 'nodenext', moduleResolution: 'nodenext', file: 'esm.mts' },
  'nodenext-cjs': { module: 'nodenext', moduleResolution: 'nodenext', file: 'cjs.cts' },
  bundler: { module: 'esnext', moduleResolution: 'bundler', file: 'bundler.ts' },
};
const ours = (file) =>
  !file.startsWith('node_modules/') || pkgs.some((p) => file.startsWith(`node_modules/${p.name}/`));
const foreign = new Set();
for (const [name, { file, ...options }] of Object.entries(configs)) {
  writeFileSync(
    join(app, `tsconfig.${name}.json`),
    JSON.stringify({ compilerOptions: { ...base, ...options }, files: [file] }, null, 2),
  );
  const r = run(
    process.execPath,
    [
      join(app, 'node_modules/typescript/bin/tsc'),
      '-p',
      `tsconfig.${name}.json`,
      '--pretty',
      'false',
    ],
    { cwd: app },
  );
  const errors = r.stdout.split('\n').filter((l) => /^\S.*\(\d+,\d+\): error TS/.test(l));
  const mine = errors.filter((l) => ours(l.slice(0, l.indexOf('('))));
  for (const l of errors) if (!mine.includes(l)) foreign.add(l);
  if (mine.length || (r.status !== 0 && errors.length === 0))
    fail(`tsc ${name}`, mine.join('\n') || r.stdout + r.stderr);
  else console.log(`tsc ok: ${name} (${options.moduleResolution}, ${file}, skipLibCheck off)`);
}
if (foreign.size)
  console.log(
    `errors in other packages' types (not ours, not failing):\n  ${[...foreign].join('\n  ')}`,
  );

const total = sizes.reduce((a, x) => a + x.tarball, 0);
console.log(
  `\nconsumer-test: ${pkgs.length} tarballs (${kb(total)} packed), ${nodes.length} runtimes, ${failures.length} failures`,
);
if (!keep && failures.length === 0) rmSync(work, { recursive: true, force: true });
else console.log(`work dir kept: ${work}`);
process.exit(failures.length ? 1 : 0);
