import type { MixinConfigInput } from '@inferlens/mixin';
import { checkTarget, type TargetReport } from '../check.js';
import { renderTarget, verdict } from '../check-report.js';
import type { PrometheusReport } from '../prometheus.js';
import { authHeader, metricsUrl } from '../scrape.js';
import { EXIT, Progress, parseDuration, printable, UsageError } from '../ui.js';

export interface CheckFlags {
  prometheus?: string;
  mixinConfig?: string;
  interval: string;
  timeout: string;
  auth?: string;
  maxBytes: string;
  maxSeries: string;
  promtool: boolean;
  json?: boolean;
}

const positive = (text: string, flag: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag}: "${text}" is not a positive whole number`);
  return n;
};

/** `inferlens check`: each URL's /metrics, or a Prometheus; returns the exit code. */
export async function runCheck(urls: string[], flags: CheckFlags): Promise<number> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout') * 1000;
  const authorization = authHeader(flags.auth ?? process.env.INFERLENS_AUTH);
  if (flags.prometheus !== undefined) {
    if (urls.length)
      throw new UsageError('give either URLs to scrape or --prometheus <url>, not both');
    // The mixin (Grafana SDK, Kubernetes models) loads only for --prometheus.
    const { checkPrometheus } = await import('../prometheus.js');
    const { renderPrometheus } = await import('../prometheus-report.js');
    const config: MixinConfigInput = flags.mixinConfig ? await readConfig(flags.mixinConfig) : {};
    const progress = new Progress();
    let line = 'asking Prometheus…';
    progress.start(() => line);
    let report: PrometheusReport;
    try {
      report = await checkPrometheus(metricsUrl(flags.prometheus).replace(/\/metrics$/, ''), {
        timeoutMs,
        config,
        ...(authorization ? { authorization } : {}),
        onProgress: (done, total) => {
          line = `dashboard queries ${done}/${total}`;
        },
      });
    } finally {
      progress.stop();
    }
    print(
      flags.json ? JSON.stringify(report, null, 2) : renderPrometheus(printable(report)).join('\n'),
    );
    if (report.error) return EXIT.error;
    return report.findings.some((f) => f.level === 'problem') ? EXIT.problems : EXIT.ok;
  }
  if (urls.length === 0)
    throw new UsageError('give at least one URL to check, or --prometheus <url>');
  const targets = urls.map(metricsUrl);
  const options = {
    timeoutMs,
    maxBytes: positive(flags.maxBytes, '--max-bytes'),
    maxSeries: positive(flags.maxSeries, '--max-series'),
    interval: parseDuration(flags.interval, '--interval'),
    promtool: flags.promtool,
    ...(authorization ? { authorization } : {}),
  };
  const started = Date.now();
  let done = 0;
  const progress = new Progress().start(
    () =>
      `checking ${targets.length} target(s): ${done} done, ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  let reports: TargetReport[];
  try {
    reports = await eightAtATime(targets, (t) => checkTarget(t, options).finally(() => done++));
  } finally {
    progress.stop();
  }
  if (flags.json) print(JSON.stringify(reports, null, 2));
  else
    print(
      [...reports.flatMap((r) => [...renderTarget(printable(r)), '']), verdict(reports)].join('\n'),
    );
  if (reports.some((r) => r.error)) return EXIT.error;
  return reports.some((r) => r.findings.some((f) => f.level === 'problem'))
    ? EXIT.problems
    : EXIT.ok;
}

async function readConfig(file: string): Promise<MixinConfigInput> {
  try {
    const { readMixinConfig } = await import('@inferlens/mixin');
    return await readMixinConfig(file);
  } catch (error) {
    throw new UsageError(`--mixin-config ${file}: ${(error as Error).message}`);
  }
}

export const print = (text: string) => process.stdout.write(`${text}\n`);

/** `work` on every item, at most eight at once, results in the items' order. */
async function eightAtATime<T, R>(
  items: readonly T[],
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, items.length) }, worker));
  return out;
}
