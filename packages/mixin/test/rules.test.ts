import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schema } from '@inferlens/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALERTS } from '../src/alerts.js';
import { generateMixin, RULE_FILES, writeMixin } from '../src/index.js';
import type { AlertingRule, RecordingRule, RuleGroup } from '../src/promql.js';

/**
 * The generated rules as Prometheus's own tool reads them: `promtool check rules` (syntax, lint)
 * on every file, and `promtool test rules` on the generated unit tests, which drive every alert
 * above its threshold (it must fire after its `for`, with the exact labels and annotations) and
 * just below it (it must stay silent).
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function written(config: Parameters<typeof writeMixin>[1] = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'inferlens-mixin-'));
  dirs.push(dir);
  return { dir, mixin: writeMixin(dir, config) };
}

/**
 * promtool, asynchronously: `promtool test rules` runs for seconds (tens on a loaded machine), and
 * a synchronous spawn would block the test worker past vitest's own RPC timeout.
 */
const promtool = (args: string[], cwd?: string) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'promtool',
      args,
      { cwd, encoding: 'utf8', timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({
          status: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          stdout,
          stderr,
        }),
    );
  });
/** The promtool test runs: up to promtool's own limit above. */
const SLOW = 130_000;

const allRules = (groups: RuleGroup[]) => groups.flatMap((g) => g.rules);
const isAlert = (r: AlertingRule | RecordingRule): r is AlertingRule => 'alert' in r;

describe('generated Prometheus rules', () => {
  const { dir, mixin } = written({ prices: { 'llama-3-8b': { input: 0.05, output: 0.1 } } });

  it('pass promtool check rules, lint included', async () => {
    const files = Object.values(RULE_FILES).map((f) => join(dir, 'prometheus/rules', f));
    const r = await promtool(['check', 'rules', ...files]);
    expect(r.stderr + r.stdout).not.toMatch(/FAILED|error/i);
    expect(r.status).toBe(0);
  });

  it(
    'pass the generated promtool unit tests, one firing and one silent case per alert',
    async () => {
      const test = join(dir, 'prometheus/tests/inferlens-alerts.test.yml');
      const file = parse(readFileSync(test, 'utf8')) as { tests: { name: string }[] };
      const alerts = allRules([...mixin.rules.alerts, ...mixin.rules.slo]).filter(isAlert);
      expect(file.tests).toHaveLength(alerts.length * 2);
      for (const a of alerts) {
        expect(file.tests.some((t) => t.name.startsWith(`${a.alert} fires`))).toBe(true);
        expect(file.tests.some((t) => t.name.startsWith(`${a.alert} stays silent`))).toBe(true);
      }
      const r = await promtool(['test', 'rules', test]);
      expect(r.stdout + r.stderr).toContain('SUCCESS');
      expect(r.status).toBe(0);
    },
    SLOW,
  );

  it(
    'unit tests fail when a threshold in the rules is not the one configured',
    async () => {
      // Generate the tests for a warning at 70 %, the rules for 80 %: the firing case must fail.
      const { dir: other } = written({ thresholds: { kvCacheWarning: 0.8 } });
      const rulesFile = join(other, 'prometheus/rules', RULE_FILES.alerts);
      execFileSync('cp', [rulesFile, join(dir, 'prometheus/rules', RULE_FILES.alerts)]);
      const r = await promtool([
        'test',
        'rules',
        join(dir, 'prometheus/tests/inferlens-alerts.test.yml'),
      ]);
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/LLMKVCacheUsageHigh fires at 0\.72/);
      writeMixin(dir, { prices: { 'llama-3-8b': { input: 0.05, output: 0.1 } } });
    },
    SLOW,
  );

  it('names recorded series level:metric:operation and reads metric names from the schema', () => {
    const records = allRules(mixin.rules.recording).filter((r) => !isAlert(r)) as RecordingRule[];
    for (const r of records) expect(r.record).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
    const names = new Set(Object.values(schema).map((d) => d.prometheus.replace(/_total$/, '')));
    for (const r of records) {
      const metric = r.record.split(':')[1]!.replace(/_(bucket|sum|count)$/, '');
      if (r.record.startsWith('model:llm_') && !/error|hit|cost|price/.test(metric))
        expect(names.has(metric), r.record).toBe(true);
    }
  });

  it('maps vLLM (V0 and V1 names), TGI, SGLang and llama.cpp native series onto the same recorded series', () => {
    const ttft = mixin.recordingRules.filter(
      (r) => r.record === 'model:llm_time_to_first_token_seconds_bucket:rate5m',
    );
    expect(ttft.map((r) => r.source).sort()).toEqual(['inferlens', 'sglang', 'vllm']);
    const kv = mixin.recordingRules.filter(
      (r) => r.record === 'instance:llm_kv_cache_usage_ratio:max',
    );
    const vllm = kv.find((r) => r.source === 'vllm')!;
    expect(vllm.expr).toContain('vllm:kv_cache_usage_perc');
    expect(vllm.expr).toContain('vllm:gpu_cache_usage_perc');
    // vLLM's `engine` label is its data-parallel rank: it is replaced by the engine's name.
    expect(vllm.expr).toContain('label_replace(');
    expect(vllm.expr).toContain('"engine", "vllm"');
    const e2e = mixin.recordingRules.filter(
      (r) => r.record === 'model:llm_e2e_request_latency_seconds_bucket:rate5m',
    );
    expect(e2e.map((r) => r.source).sort()).toEqual(['inferlens', 'sglang', 'tgi', 'vllm']);
    expect(e2e.find((r) => r.source === 'tgi')!.expr).toContain('tgi_request_duration_bucket');
    // SGLang: tensor-parallel ranks report the same series, counted once; the old `name` label.
    const sglang = kv.find((r) => r.source === 'sglang')!.expr;
    expect(sglang).toContain('sglang:token_usage');
    expect(sglang).toMatch(/max by \(.*dp_rank\)/);
    expect(sglang).toContain('"model_name", "$1", "name", "(.+)"');
    // llama.cpp has no labels: its model is `unknown` unless the scrape config adds one.
    const prompt = mixin.recordingRules.find(
      (r) => r.record === 'model:llm_prompt_tokens:rate5m' && r.source === 'llamacpp',
    )!;
    expect(prompt.expr).toContain('llamacpp:prompt_tokens_total');
    expect(prompt.expr).toContain('llamacpp:prompt_tokens_cached_total');
    const off = generateMixin({
      engines: { vllm: false, tgi: false, sglang: false, llamacpp: false },
    });
    expect(
      off.recordingRules.every((r) => ['inferlens', 'derived', 'config'].includes(r.source)),
    ).toBe(true);
  });

  it('computes quantiles per bucket layout: by le and the labels that separate layouts', () => {
    // HTTP histograms have one layout (the middleware's); LLM ones have one per engine.
    for (const r of mixin.recordingRules.filter((x) => /^model:.*_bucket:rate/.test(x.record)))
      if (r.source !== 'derived') expect(r.expr, r.record).toMatch(/by \(.*engine, vantage, le\)/);
  });

  it('every alert has for, severity, summary, description and a runbook that exists', () => {
    const docs = new Set(readdirSync(join(dir, 'runbooks')));
    for (const r of allRules([...mixin.rules.alerts, ...mixin.rules.slo]).filter(isAlert)) {
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(['info', 'warning', 'critical']).toContain(r.labels.severity);
      expect(r.annotations.summary).toContain('{{');
      expect(r.annotations.description?.length).toBeGreaterThan(40);
      expect(r.annotations.runbook_url).toMatch(new RegExp(`/${r.alert}\\.md$`));
      expect(docs.has(`${r.alert}.md`), r.alert).toBe(true);
    }
  });

  it('takes thresholds, for, severity and disabled alerts from the config', () => {
    const m = generateMixin({
      thresholds: { kvCacheCritical: 0.85 },
      alerts: {
        LLMKVCacheUsageCritical: { for: '1m', severity: 'warning' },
        HTTPLatencyHigh: { disabled: true },
      },
      alertLabels: { team: 'inference' },
    });
    const rules = allRules(m.rules.alerts).filter(isAlert);
    const kv = rules.find((r) => r.alert === 'LLMKVCacheUsageCritical')!;
    expect(kv.expr).toMatch(/> 0\.85$/);
    expect(kv.for).toBe('1m');
    expect(kv.labels).toEqual({ severity: 'warning', team: 'inference' });
    expect(rules.some((r) => r.alert === 'HTTPLatencyHigh')).toBe(false);
  });
});

describe('SLOs', () => {
  it('record error ratios over every window and the budget left, and burn-rate alert pairs', () => {
    const m = generateMixin();
    const records = new Set(
      allRules(m.rules.slo)
        .filter((r) => !isAlert(r))
        .map((r) => (r as RecordingRule).record),
    );
    for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'])
      expect(records.has(`slo:sli_error:ratio_rate${w}`), w).toBe(true);
    expect(records.has('slo:period_error_budget_remaining:ratio')).toBe(true);
    const alerts = allRules(m.rules.slo).filter(isAlert);
    expect(alerts.map((a) => a.alert).sort()).toEqual([
      'LLMAvailabilitySLOBudgetBurnFast',
      'LLMAvailabilitySLOBudgetBurnSlow',
      'LLMLatencySLOBudgetBurnFast',
      'LLMLatencySLOBudgetBurnSlow',
      'LLMTimeToFirstTokenSLOBudgetBurnFast',
      'LLMTimeToFirstTokenSLOBudgetBurnSlow',
    ]);
    const fast = alerts.find((a) => a.alert === 'LLMAvailabilitySLOBudgetBurnFast')!;
    expect(fast.expr).toContain('ratio_rate1h{slo="availability"} / 0.01 > 14.4');
    expect(fast.expr).toContain('ratio_rate5m{slo="availability"} / 0.01 > 14.4');
    expect(fast.expr).toContain('ratio_rate6h{slo="availability"} / 0.01 > 6');
    const slow = alerts.find((a) => a.alert === 'LLMAvailabilitySLOBudgetBurnSlow')!;
    expect(slow.expr).toContain('ratio_rate3d{slo="availability"} / 0.01 > 1');
    // The latency SLI counts the bucket at the bound, however the exporter writes it (5 or 5.0).
    const latency = m.recordingRules.find(
      (r) => r.record === 'slo:sli_error:rate5m' && r.labels?.slo === 'e2e-latency',
    )!;
    expect(latency.expr).toContain('le=~"5|5\\\\.0"');
    expect(latency.expr).toContain('le="+Inf"');
  });

  it('fail generation when a latency bound is not a bucket bound, naming the metric and the bound', () => {
    expect(() =>
      generateMixin({ slos: { e2eLatency: { objective: 0.95, thresholdSeconds: 2 } } }),
    ).toThrow(
      /^\[@inferlens\/mixin\] slos\.e2eLatency\.thresholdSeconds: 2 s is not a bucket bound of llm_e2e_request_latency_seconds \(nearest: 1\.28 and 2\.56\).*extraBuckets: \{ e2eRequestLatency: \[2\] \}/,
    );
    // With the bound added (as the lens gets it through createLens({ extraBuckets })), it works.
    const m = generateMixin({
      slos: { e2eLatency: { objective: 0.95, thresholdSeconds: 2 } },
      extraBuckets: { e2eRequestLatency: [2] },
    });
    expect(m.warnings.join('\n')).toMatch(
      /tgi's own llm_e2e_request_latency_seconds buckets have no bound at 2 s/,
    );
  });

  it('can be turned off one by one', () => {
    const m = generateMixin({ slos: { availability: false, ttft: false } });
    const alerts = allRules(m.rules.slo)
      .filter(isAlert)
      .map((a) => a.alert);
    expect(alerts).toEqual(['LLMLatencySLOBudgetBurnFast', 'LLMLatencySLOBudgetBurnSlow']);
  });
});

describe('config', () => {
  it('fails loudly on bad fields, naming the package and the field', () => {
    const bad: [object, RegExp][] = [
      [{ nope: 1 }, /config: unknown field\(s\) "nope"/],
      [
        { thresholds: { kvCacheWarning: 70 } },
        /thresholds\.kvCacheWarning: is a ratio from 0 to 1, got 70/,
      ],
      [
        { thresholds: { kvCacheWarning: 0.95 } },
        /thresholds\.kvCacheWarning: must not be above kvCacheCritical/,
      ],
      [{ thresholds: { kvCacheWarnin: 0.5 } }, /thresholds: unknown field\(s\) "kvCacheWarnin"/],
      [{ rateWindow: '5 minutes' }, /rateWindow: "5 minutes" is not a Prometheus duration/],
      [
        { slos: { ttft: { objective: 99, thresholdSeconds: 0.5 } } },
        /slos\.ttft\.objective: must be a number between 0 and 1/,
      ],
      [
        { prices: { m: { input: '1', output: 2 } } },
        /prices\["m"\]\.input: must be a non-negative number/,
      ],
      [{ aggregateBy: ['job'] }, /aggregateBy: must keep "model_name"/],
      [{ selector: '{job="x"}' }, /selector: give the matchers without braces/],
      [
        { alerts: { LLMKVCacheUsageHigh: { for: 'soon' } } },
        /alerts\.LLMKVCacheUsageHigh\.for: "soon"/,
      ],
      [
        { kubernetes: { engines: { selector: {} } } },
        /kubernetes\.engines\.selector: give at least one label/,
      ],
      [{ extraBuckets: { requests: [1] } }, /extraBuckets: "requests" is not a histogram/],
    ];
    for (const [config, message] of bad) {
      expect(() => generateMixin(config as never), JSON.stringify(config)).toThrow(
        /^\[@inferlens\/mixin\] /,
      );
      expect(() => generateMixin(config as never), JSON.stringify(config)).toThrow(message);
    }
  });

  it('lists every alert in ALERTS once', () => {
    const names = ALERTS.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
