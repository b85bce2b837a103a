// The public API of every published package, as api-extractor reports it: one `etc/api/<name>.api.md`
// per entry point a user may import (`internal` entries are left out: they make no semver promise).
// A change to what a package exports then shows in review as a change to its report.
//
//   node scripts/api-report.mjs           check: fails when a report is missing or out of date
//   node scripts/api-report.mjs --update  writes the reports
//   node scripts/api-report.mjs core vllm only these packages (directory names under packages/)
//
// Reads each package's built types (dist/*.d.ts): run `pnpm build` first. For the packages in
// DOCUMENTED the check also fails when a public name has no doc comment, or a public function,
// class or constant no `@example`; for the others it lists them.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const update = args.includes('--update');
const only = args.filter((a) => !a.startsWith('--'));
const reportFolder = join(root, 'etc/api');
const temp = mkdtempSync(join(tmpdir(), 'inferlens-api-'));
mkdirSync(reportFolder, { recursive: true });

/** Every entry point a user may import: `.` and each subpath but `./internal` and package.json. */
function entriesOf(dir) {
  const json = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  if (json.private) return [];
  const out = [];
  for (const [sub, target] of Object.entries(json.exports ?? {})) {
    if (sub === './package.json' || sub.endsWith('/internal')) continue;
    const types = typeof target === 'object' ? (target.import?.types ?? target.types) : undefined;
    if (!types) continue;
    const base = json.name.replace(/^@inferlens\//, '');
    out.push({
      pkg: json.name,
      dir,
      report: sub === '.' ? base : `${base}-${sub.slice(2).replaceAll('/', '-')}`,
      types: join(root, 'packages', dir, types),
    });
  }
  return out;
}

const dirs = readdirSync(join(root, 'packages')).filter(
  (d) =>
    existsSync(join(root, 'packages', d, 'package.json')) && (!only.length || only.includes(d)),
);
const entries = dirs.flatMap(entriesOf);
const problems = [];
const notes = [];
// Packages whose whole public surface has been reviewed: every name documented, with an example.
const DOCUMENTED = new Set([
  '@inferlens/core',
  '@inferlens/engine-source',
  '@inferlens/vllm',
  '@inferlens/tgi',
  '@inferlens/sglang',
  '@inferlens/llamacpp',
  '@inferlens/mixin',
  '@inferlens/cluster',
  '@inferlens/node-llama-cpp',
  '@inferlens/nvml',
  '@inferlens/prom-client',
  '@inferlens/prom-parse',
  '@inferlens/testkit',
]);

for (const e of entries) {
  if (!existsSync(e.types)) {
    problems.push(`${e.pkg}: ${e.types} is missing; run pnpm build first`);
    continue;
  }
  const projectFolder = join(root, 'packages', e.dir);
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder,
      mainEntryPointFilePath: e.types,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'es2022',
            lib: ['es2023', 'dom'],
            module: 'esnext',
            moduleResolution: 'bundler',
            strict: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [join(root, 'node_modules/@types')],
          },
          files: [e.types],
        },
      },
      apiReport: {
        enabled: true,
        reportFolder,
        reportTempFolder: temp,
        reportFileName: e.report,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning', addToApiReportFile: false },
          // Types reached through a public one (Lens's store, an adapter's SampleIndex) are shown
          // by their members, not exported by name: that is the point of a small door.
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: false },
          'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
          'ae-internal-missing-underscore': { logLevel: 'none', addToApiReportFile: false },
          // Doc comments are checked below, name by name, for the reviewed packages.
          'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
          // A {@link} may name something reached through a public type but not exported by name.
          'ae-unresolved-link': { logLevel: 'none', addToApiReportFile: false },
          'ae-setter-with-docs': { logLevel: 'none', addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: join(projectFolder, 'api-extractor.json'),
    packageJsonFullPath: join(projectFolder, 'package.json'),
  });
  const messages = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (m) => {
      m.handled = true;
      if (m.logLevel === 'warning' || m.logLevel === 'error')
        messages.push(`${m.sourceFilePath ?? ''}:${m.sourceFileLine ?? ''} ${m.text}`);
    },
  });
  const file = `etc/api/${e.report}.api.md`;
  if (!result.succeeded && !result.apiReportChanged)
    problems.push(`${e.pkg} (${file}): api-extractor failed:\n    ${messages.join('\n    ')}`);
  else if (result.apiReportChanged && !update)
    problems.push(
      `${e.pkg}: its public API differs from ${file}; if the change is meant, run pnpm api:update and commit the report`,
    );
  else console.log(`${update && result.apiReportChanged ? 'updated' : 'ok'}: ${file}`);
  (DOCUMENTED.has(e.pkg) ? problems : notes).push(...undocumented(e));
}

/** Public names without a doc comment, and public functions and classes without an `@example`. */
function undocumented(e) {
  const program = ts.createProgram([e.types], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(e.types);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [`${e.pkg}: cannot read ${e.types}`];
  const out = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decls = symbol.declarations ?? [];
    const docs = decls.flatMap((d) => ts.getJSDocCommentsAndTags(d));
    const needsExample = decls.some(
      (d) => ts.isFunctionDeclaration(d) || ts.isClassDeclaration(d) || ts.isVariableDeclaration(d),
    );
    const hasExample = decls.some((d) =>
      ts.getJSDocTags(d).some((t) => t.tagName.text === 'example'),
    );
    if (!docs.length) out.push(`${e.pkg}: ${exported.name} has no doc comment`);
    else if (needsExample && !hasExample) out.push(`${e.pkg}: ${exported.name} has no @example`);
  }
  return out;
}

rmSync(temp, { recursive: true, force: true });
if (notes.length) console.log(`\nnot yet documented (not failing):\n  ${notes.join('\n  ')}`);
if (problems.length) {
  console.error(`\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`${entries.length} API reports ${update ? 'written' : 'up to date'}`);
