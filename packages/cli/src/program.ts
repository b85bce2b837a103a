import { Command } from 'commander';

declare const __VERSION__: string | undefined;

/**
 * The command tree. Each action returns its exit code; `cli.ts` sets it, so nothing here calls
 * `process.exit` and a test can build the program and run it in process.
 */
export function createProgram(setExit: (code: number) => void): Command {
  const program = new Command('inferlens')
    .description(
      'Check LLM inference metrics end to end: engines’ /metrics, Prometheus, load that proves they move.',
    )
    .version(typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev')
    .showHelpAfterError('(inferlens <command> --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 healthy, 1 problems found, 2 usage or connection error.\nColour only on a terminal; NO_COLOR turns it off.',
    );
  addCheck(program, setExit);
  addLoad(program, setExit);
  addMixin(program, setExit);
  return program;
}

/** `inferlens check`: /metrics endpoints, or a Prometheus server. */
function addCheck(program: Command, setExit: (code: number) => void): void {
  program
    .command('check')
    .description(
      'Diagnose /metrics endpoints (vLLM, TGI, SGLang, llama.cpp, an inferlens app or gateway, any Prometheus exporter), or a Prometheus server with --prometheus',
    )
    .argument('[urls...]', 'endpoints to scrape (a URL without a path gets /metrics)')
    .option(
      '--prometheus <url>',
      'check a Prometheus instead: targets up, generated rules loaded, dashboard queries return data, alerts',
    )
    .option(
      '--mixin-config <file>',
      'with --prometheus: the mixin config the rules and dashboards were generated with',
    )
    .option(
      '--interval <duration>',
      'time between the two scrapes (staleness, counters going down); 0 scrapes once',
      '2s',
    )
    .option('--timeout <duration>', 'limit for each scrape or query', '10s')
    .option(
      '--auth <credentials>',
      'bearer:<token>, basic:<user>:<password>, or <user>:<password> (or set INFERLENS_AUTH)',
    )
    .option('--max-bytes <n>', 'largest body read', String(16 * 1024 * 1024))
    .option('--max-series <n>', 'more series than this is a problem', '20000')
    .option('--no-promtool', 'do not run `promtool check metrics` even when it is on PATH')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  inferlens check http://10.0.0.5:8000 http://10.0.0.6:3000/metrics\n  inferlens check --prometheus http://prometheus:9090 --json',
    )
    .action(async (urls: string[], flags) => {
      // Each command loads its own modules: `--help` and `check` stay quick to start.
      const { runCheck } = await import('./commands/check.js');
      setExit(await runCheck(urls, flags));
    });
}

/** `inferlens load`: drive a server and compare its /metrics with what the client measured. */
function addLoad(program: Command, setExit: (code: number) => void): void {
  program
    .command('load')
    .description(
      'Drive OpenAI-compatible chat completions, then compare what /metrics moved with what the client measured',
    )
    .argument(
      '<base-url>',
      'the server (http://host:port; /v1/chat/completions and /metrics under it)',
    )
    .option('--model <name>', 'model to ask for (default: the first of /v1/models)')
    .option('--rate <n>', 'requests per second (open loop)')
    .option(
      '--concurrency <n>',
      'requests in flight (closed loop, default 8; with --rate, the most in flight, default 256)',
    )
    .option('--duration <duration>', 'send for this long (e.g. 30s, 2m)')
    .option('--requests <n>', 'send this many requests (default 100 when no --duration)')
    .option('--no-stream', 'ask for whole responses (no TTFT or ITL on the client side)')
    .option('--abort-ratio <ratio>', 'share of requests the client abandons mid-stream', '0')
    .option('--max-tokens <n>', 'max_tokens of each request', '64')
    .option(
      '--shared-prefix <ratio>',
      'share of prompts that start with a shared system prompt',
      '0.5',
    )
    .option('--timeout <duration>', 'limit for each request', '60s')
    .option('--metrics <url>', 'where the server metrics are (default <base-url>/metrics)')
    .option('--auth <credentials>', 'as for check; sent with every request')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  inferlens load http://127.0.0.1:8000 --rate 5 --duration 30s --abort-ratio 0.1',
    )
    .action(async (url: string, flags) => {
      const { runLoadCommand } = await import('./commands/load.js');
      setExit(await runLoadCommand(url, flags));
    });
}

/** `inferlens mixin`: write the monitoring mixin. */
function addMixin(program: Command, setExit: (code: number) => void): void {
  program
    .command('mixin')
    .description(
      'Write Grafana dashboards, Prometheus rules with unit tests, Kubernetes objects, a local stack and runbooks',
    )
    .requiredOption(
      '-o, --out <dir>',
      'folder to write (created if missing; files there are replaced)',
    )
    .option(
      '-c, --config <file>',
      'settings: .json, .yaml / .yml, or a .js / .mjs module with a default export',
    )
    .action(async (flags) => {
      const { runMixin } = await import('./commands/mixin.js');
      setExit(await runMixin(flags));
    });
}
