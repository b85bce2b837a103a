/**
 * `pnpm bench`: runs every suite in `src/suites/*.ts` one after another, in this one process, so
 * the ratios compare like with like, and prints each table. With `--write` it also puts the tables
 * into docs/performance.md between the bench markers. A suite exports
 * `run(): Promise<{ title, table, notes? }>` with `table` in markdown.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sinkValue } from './harness.js';

export interface SuiteResult {
  title: string;
  table: string;
  notes?: string[];
}

const here = dirname(fileURLToPath(import.meta.url));
const DOC = join(here, '..', '..', 'docs', 'performance.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

function machine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() || 'unknown CPU';
  const date = new Date().toISOString().slice(0, 10);
  return `${date}, Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}, ${cores.length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, load average ${loadavg()[0]!.toFixed(1)} at start`;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const write = process.argv.includes('--write');
  const files = readdirSync(join(here, 'suites'))
    .filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, '')))
    .sort();
  const header = `Machine: ${machine()}`;
  console.log(`${header}\n`);
  const sections: string[] = [];
  for (const file of files) {
    const started = performance.now();
    const suite = (await import(pathToFileURL(join(here, 'suites', file)).href)) as {
      run?: () => Promise<SuiteResult>;
    };
    if (typeof suite.run !== 'function') {
      console.log(`(${file}: no run() export, skipped; helpers belong outside src/suites)\n`);
      continue;
    }
    const result = await suite.run();
    const notes = (result.notes ?? []).map((n) => `- ${n}`).join('\n');
    const section = `### ${result.title}\n\n${result.table}\n${notes ? `\n${notes}\n` : ''}`;
    sections.push(section);
    console.log(`${section}\n(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  // Printing the sink keeps every measured call's result alive.
  console.log(`(sink ${sinkValue() % 1000})`);
  if (write) {
    const doc = readFileSync(DOC, 'utf8');
    const a = doc.indexOf(START);
    const b = doc.indexOf(END);
    if (a < 0 || b < a) throw new Error(`${DOC} lacks the ${START} … ${END} markers`);
    const body = `${START}\n${header}\n\n${sections.join('\n')}${END}`;
    writeFileSync(DOC, doc.slice(0, a) + body + doc.slice(b + END.length));
    console.log(`wrote ${DOC}`);
  }
}

await main();
