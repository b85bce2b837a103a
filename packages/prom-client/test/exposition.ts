import { spawnSync } from 'node:child_process';

/** Samples of an exposition as `name{label="v",…}` (labels sorted, `le` as a number) → value. */
export function parseSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable sample line: ${line}`);
    const labels: string[] = [];
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      const value = l[1] === 'le' && l[2] !== '+Inf' ? String(Number(l[2])) : l[2];
      labels.push(`${l[1]}="${value}"`);
    }
    const key = `${m[1]}{${labels.sort().join(',')}}`;
    if (samples.has(key)) throw new Error(`duplicate sample ${key}`);
    samples.set(key, Number(m[3]));
  }
  return samples;
}

/** `# TYPE` lines as family name → type; throws on a family declared twice. */
export function parseTypes(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    if (types.has(m[1]!)) throw new Error(`family ${m[1]} declared twice`);
    types.set(m[1]!, m[2]!);
  }
  return types;
}

/** Runs Debian's `promtool check metrics` (the Prometheus text parser and linter) on `text`. */
export function promtool(text: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error)
    throw new Error(
      `promtool is needed for this test (apt-get install prometheus): ${r.error.message}`,
    );
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
