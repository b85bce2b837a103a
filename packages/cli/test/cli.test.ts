import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/prometheus.js';
import type { TargetReport } from '../src/check.js';
import { type Exporters, startExporters } from './helpers/exporters.js';
import { inferlens, inferlensJson, inferlensOnTerminal } from './helpers/run.js';

let exporters: Exporters;
beforeAll(async () => {
  exporters = await startExporters(5000);
});
afterAll(() => exporters?.close());

const problemsOf = (r: TargetReport) =>
  r.findings.filter((f) => f.level === 'problem').map((f) => f.message);

describe('inferlens as a command: help, usage errors, exit codes', () => {
  it('has --help for the program and every command, exit 0', async () => {
    const top = await inferlens(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/check \[options\] \[urls\.\.\.\]/);
    expect(top.stdout).toMatch(
      /Exit codes: 0 healthy, 1 problems found, 2 usage or connection error/,
    );
    for (const command of ['check', 'load', 'mixin']) {
      const run = await inferlens([command, '--help']);
      expect(run.code, command).toBe(0);
      expect(run.stdout).toContain(`Usage: inferlens ${command}`);
    }
  });

  it('exits 2 on usage errors with one line and no stack trace', async () => {
    for (const args of [
      ['check', '--bogus'],
      ['check'],
      ['check', '--interval', 'soon', 'http://127.0.0.1:1'],
      ['load', 'http://127.0.0.1:1', '--abort-ratio', '2'],
      ['mixin'],
      ['frobnicate'],
    ]) {
      const run = await inferlens(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
      expect(run.stdout).toBe('');
    }
  });

  it('exits 2 for a server that is down, slow or refuses without credentials', async () => {
    const down = await inferlens(['check', `http://127.0.0.1:${await freePort()}`]);
    expect(down.code).toBe(2);
    expect(down.stdout).toMatch(/unreachable/);
    const slow = await inferlens(['check', `${exporters.url}/slow`, '--timeout', '500ms']);
    expect(slow.code).toBe(2);
    expect(slow.stdout).toMatch(/timeout: no answer in 500 ms/);
    const refused = await inferlens(['check', `${exporters.url}/auth`]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/HTTP 401: the endpoint wants credentials; pass --auth/);
    for (const auth of ['bearer:secret', 'basic:ops:pw', 'ops:pw']) {
      const ok = await inferlens([
        'check',
        `${exporters.url}/auth`,
        '--auth',
        auth,
        '--interval',
        '0',
      ]);
      expect(ok.code, auth).toBe(0);
    }
    const env = await inferlens(['check', `${exporters.url}/auth`, '--interval', '0'], {
      INFERLENS_AUTH: 'bearer:secret',
    });
    expect(env.code).toBe(0);
    const wrong = await inferlens(['check', `${exporters.url}/auth`, '--auth', 'bearer:nope']);
    expect(wrong.stdout).toMatch(/credentials given were refused/);
  });

  it('exits 1 on broken exposition and names each problem', async () => {
    const { code, json } = await inferlensJson<TargetReport[]>([
      'check',
      `${exporters.url}/broken`,
      '--interval',
      '300ms',
    ]);
    expect(code).toBe(1);
    const problems = problemsOf(json[0]!).join('\n');
    expect(problems).toMatch(/1 malformed line.*line \d+/);
    expect(problems).toMatch(/vllm:num_requests_running: 1 NaN value/);
    expect(problems).toMatch(
      /vllm:time_to_first_token_seconds: 1 histogram series without a \+Inf bucket/,
    );
    expect(problems).toMatch(
      /counter\(s\) went down between the two scrapes.*vllm:prompt_tokens_total/,
    );
    expect(problems).toMatch(/1 duplicate series.*vllm:num_requests_waiting/);
    expect(exporters.scrapes['/broken']).toBeGreaterThanOrEqual(2);
  });

  it('knows what the Content-Type does to Prometheus', async () => {
    const eof = await inferlensJson<TargetReport[]>([
      'check',
      `${exporters.url}/openmetrics-no-eof`,
      '--interval',
      '0',
    ]);
    expect(eof.code).toBe(1);
    expect(problemsOf(eof.json[0]!)).toEqual([
      'OpenMetrics without the closing "# EOF": Prometheus rejects the scrape',
    ]);
    const html = await inferlensJson<TargetReport[]>([
      'check',
      `${exporters.url}/html`,
      '--interval',
      '0',
    ]);
    expect(html.code).toBe(0);
    expect(html.json[0]!.findings).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(/^Content-Type "text\/html": Prometheus 3 refuses it/),
      },
    ]);
  });

  it('prints what a hostile target sends without its escape sequences, and cut short', async () => {
    const run = await inferlens(['check', `${exporters.url}/hostile`, '--interval', '0']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('NaN value');
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).toContain('\\x1b[2J\\x1b]0;owned\\x07');
    expect(Math.max(...run.stdout.split('\n').map((l) => l.length))).toBeLessThan(1200);
  });

  it('exits 1 on 100,000 series and names the label that explodes', async () => {
    const { code, json } = await inferlensJson<TargetReport[]>([
      'check',
      `${exporters.url}/huge`,
      '--interval',
      '0',
    ]);
    expect(code).toBe(1);
    expect(problemsOf(json[0]!).join('\n')).toMatch(/100000 series, over --max-series 20000/);
    expect(json[0]!.cardinality!.labels[0]).toEqual({
      family: 'app_requests_total',
      label: 'request_id',
      values: 100000,
    });
    const small = await inferlens([
      'check',
      `${exporters.url}/huge`,
      '--interval',
      '0',
      '--max-bytes',
      '100000',
    ]);
    expect(small.code).toBe(2);
    expect(small.stdout).toMatch(/too_large/);
  });

  it('writes colour only to a terminal, even when CI is set', async () => {
    const piped = await inferlens(['check', `${exporters.url}/broken`, '--interval', '0'], {
      CI: '1',
      FORCE_COLOR: '1',
    });
    expect(piped.code).toBe(1);
    expect(piped.stdout).toContain('problem(s) found');
    expect(piped.stdout).not.toContain('\x1b[');
    // script(1) gives the command a terminal.
    const tty = (env: Record<string, string>) =>
      inferlensOnTerminal(['check', `${exporters.url}/broken`, '--interval', '0'], env);
    const coloured = await tty({});
    expect(coloured.code).toBe(1);
    expect(coloured.stdout).toContain('\x1b[31m');
    expect(coloured.stdout).toContain('problem(s) found');
    const plain = await tty({ NO_COLOR: '1' });
    expect(plain.stdout).toContain('problem(s) found');
    expect(plain.stdout).not.toContain('\x1b[31m');
  });

  it('shows a progress line on a terminal only, on stderr', async () => {
    const piped = await inferlens(['check', `${exporters.url}/slow`, '--timeout', '2s']);
    expect(piped.stderr).toBe('');
    const tty = await inferlensOnTerminal(['check', `${exporters.url}/slow`, '--timeout', '2s']);
    const ESC = '\x1b';
    expect(tty.stdout).toContain(`\r${ESC}[2Kchecking 1 target(s): 0 done, 1 s`);
    // The line is cleared before the report.
    expect(tty.stdout).toContain(`\r${ESC}[2K${ESC}[1mhttp:`);
  });
});
