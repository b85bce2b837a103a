import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dataquery } from '@grafana/grafana-foundation-sdk/prometheus';
import { schema } from '@inferlens/core/internal';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultConfig, type MixinConfig, resolveConfig } from '../src/config.js';
import { dashboards, panelQueries, panelsOf, variables } from '../src/dashboards/index.js';
import { recordingGroups } from '../src/recording.js';
import { sloPlan } from '../src/slo.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template literal.
const DS = { type: 'prometheus', uid: '${datasource}' };
const PRICED = resolveConfig({ prices: { 'llama-3-8b': { input: 0.05, output: 0.1 } } });
const all = (c: MixinConfig = PRICED) => dashboards(c);
const byFile = (file: string, c: MixinConfig = PRICED): Dashboard => {
  const d = all(c).find((x) => x.file === file);
  if (!d) throw new Error(`no ${file}`);
  return d.dashboard;
};
const titles = (d: Dashboard) => panelsOf(d).map((p) => p.title);
const rows = (d: Dashboard) =>
  (d.panels ?? []).filter((p): p is RowPanel => p.type === 'row').map((r) => r.title);

/** Grafana's variable syntaxes: `$x`, `${x}`, `${x:fmt}`, `[[x]]`. */
const uses = (text: string, name: string) =>
  new RegExp(`\\$${name}\\b|\\$\\{${name}(:[a-z]+)?\\}|\\[\\[${name}\\]\\]`).test(text);

/** Template variables replaced as Grafana would for "All" (and its global variables). */
function substitute(expr: string, names: string[]): string {
  let out = expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__range', '1h')
    .replaceAll('$__interval', '1m');
  for (const n of names)
    out = out.replace(new RegExp(`\\$\\{${n}(:[a-z]+)?\\}|\\$${n}\\b`, 'g'), '.*');
  return out;
}

describe('dashboards', () => {
  it('writes the overview, GPU, HTTP and SLO dashboards with stable uids of at most 40 characters', () => {
    const list = all();
    expect(list.map((d) => d.file)).toEqual([
      'llm-overview.json',
      'llm-gpu.json',
      'llm-http.json',
      'llm-slo.json',
    ]);
    for (const { file, dashboard } of list) {
      expect(dashboard.uid).toBe(`inferlens-${file.replace(/\.json$/, '')}`);
      expect(dashboard.uid!.length).toBeLessThanOrEqual(40);
      expect(dashboard.title).toMatch(/^LLM /);
      expect(dashboard.tags).toEqual(['inferlens', 'llm']);
      expect(dashboard.refresh).toBe('30s');
    }
    // Generating twice gives the same JSON, so provisioning does not churn.
    expect(JSON.stringify(all())).toBe(JSON.stringify(list));
    const other = all(
      resolveConfig({ dashboards: { uidPrefix: 'team-a', titlePrefix: 'Team A' } }),
    );
    expect(other[0]!.dashboard.uid).toBe('team-a-llm-overview');
    expect(other[0]!.dashboard.title).toBe('Team A serving overview');
  });

  it('fails with the field name when the uid prefix makes a uid too long for Grafana', () => {
    expect(() => resolveConfig({ dashboards: { uidPrefix: 'x'.repeat(28) } })).toThrow(
      /^\[@inferlens\/mixin\] dashboards\.uidPrefix: 1 to 27 letters/,
    );
    // A config built past resolveConfig is still refused by the dashboards themselves.
    const c = defaultConfig();
    c.dashboards.uidPrefix = 'x'.repeat(30);
    expect(() => dashboards(c)).toThrow(
      /dashboards\.uidPrefix: .* longer than Grafana's 40 characters; use at most 27/,
    );
  });

  it('gives every panel the datasource variable, queries, a unit, a description and thresholds', () => {
    for (const { file, dashboard } of all()) {
      const panels = panelsOf(dashboard);
      expect(panels.length, file).toBeGreaterThan(3);
      for (const p of panels) {
        const where = `${file}: ${p.title}`;
        expect(p.datasource, where).toEqual(DS);
        expect(p.targets?.length, where).toBeGreaterThan(0);
        const targets = (p.targets ?? []) as Dataquery[];
        for (const t of targets) {
          expect(t.datasource, where).toEqual(DS);
          expect(t.expr, where).not.toBe('');
        }
        expect(new Set(targets.map((t) => t.refId)).size, `${where}: refIds`).toBe(
          p.targets?.length,
        );
        expect(p.fieldConfig?.defaults.unit, where).toMatch(/^[a-zA-Z]+$/);
        expect(p.description?.length ?? 0, where).toBeGreaterThan(20);
        expect(p.fieldConfig?.defaults.thresholds?.steps[0]?.value, where).toBeNull();
      }
    }
  });

  it('defines datasource first, then multi-select All=.* query variables, each used by a query', () => {
    for (const { file, dashboard } of all()) {
      const list = dashboard.templating.list ?? [];
      expect(list[0], file).toMatchObject({
        type: 'datasource',
        name: 'datasource',
        query: 'prometheus',
      });
      const queryVars = list.slice(1);
      expect(queryVars.map((v) => v.name)).toEqual(expect.arrayContaining(['namespace', 'job']));
      for (const v of queryVars) {
        expect(v, `${file} $${v.name}`).toMatchObject({
          type: 'query',
          multi: true,
          includeAll: true,
          allValue: '.*',
          datasource: DS,
        });
        expect(v.query, `${file} $${v.name}`).toMatch(
          /^label_values\([a-z0-9_:]+(\{[^}]*\})?, [a-z_]+\)$/,
        );
      }
      const exprs = panelQueries(dashboard).map((q) => q.expr);
      for (const v of queryVars)
        expect(
          exprs.some((e) => uses(e, v.name)),
          `${file}: $${v.name} is used by no panel query`,
        ).toBe(true);
      // Variables with per-worker panels.
      if (file !== 'llm-slo.json')
        expect(
          queryVars.map((v) => v.name),
          file,
        ).toContain('instance');
    }
    expect(variables(byFile('llm-overview.json')).map((v) => v.name)).toEqual([
      'datasource',
      'namespace',
      'job',
      'model',
      'engine',
      'vantage',
      'instance',
    ]);
  });

  it('lays panels out on the 24-column grid without overlaps and with unique ids', () => {
    for (const { file, dashboard } of all()) {
      const boxes = (dashboard.panels ?? []).map((p) => ({
        title: p.title,
        id: p.id,
        ...p.gridPos!,
      }));
      expect(new Set(boxes.map((b) => b.id)).size, file).toBe(boxes.length);
      for (const b of boxes) {
        expect(b.x + b.w, `${file}: ${b.title}`).toBeLessThanOrEqual(24);
        expect(b.h, `${file}: ${b.title}`).toBeGreaterThan(0);
      }
      for (const [i, a] of boxes.entries())
        for (const b of boxes.slice(i + 1)) {
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${file}: "${a.title}" overlaps "${b.title}"`).toBe(false);
        }
      // Open rows hold no panels: in Grafana's save model an expanded row's panels follow it.
      for (const r of (dashboard.panels ?? []).filter((p): p is RowPanel => p.type === 'row'))
        expect(r).toMatchObject({ collapsed: false, panels: [] });
    }
  });

  it('computes quantiles per bucket layout: buckets are summed by le, engine and vantage', () => {
    for (const { file, dashboard } of all())
      for (const { panel, expr } of panelQueries(dashboard))
        for (const m of expr.matchAll(
          /histogram_quantile\(([\d.]+), sum by \(([^)]*)\) \(([a-z_:]+)/g,
        )) {
          const labels = m[2]!.split(', ');
          expect(labels, `${file}: ${panel}`).toContain('le');
          if (m[3]!.startsWith('model:'))
            expect(labels, `${file}: ${panel}`).toEqual(
              expect.arrayContaining(['engine', 'vantage']),
            );
        }
  });

  it('reads only recorded series the rules write and raw series of the schema', () => {
    const known = new Set<string>();
    for (const g of [...recordingGroups(PRICED), ...sloPlan(PRICED).groups])
      for (const r of g.group.rules) if ('record' in r) known.add(r.record);
    for (const row of Object.values(schema)) {
      known.add(row.prometheus);
      for (const part of ['_bucket', '_sum', '_count']) known.add(`${row.prometheus}${part}`);
    }
    const read: string[] = [];
    for (const { dashboard } of all()) {
      const texts = [
        ...panelQueries(dashboard).map((q) => q.expr),
        ...variables(dashboard).map((v) => v.query),
      ];
      for (const t of texts)
        for (const m of t.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) read.push(m[1]!);
    }
    expect(read.length).toBeGreaterThan(50);
    expect([...new Set(read)].filter((n) => !known.has(n))).toEqual([]);
  });

  it('has the panels the issue asks for', () => {
    expect(titles(byFile('llm-overview.json'))).toEqual([
      'Time to first token',
      'Inter-token latency',
      'Time per output token',
      'End-to-end latency',
      'Queue time',
      'Prefill and decode time',
      'Request throughput by finish reason',
      'Error ratio by error type',
      'Tokens per second',
      'Running and waiting requests',
      'KV-cache usage',
      'KV-cache usage over time',
      'Prefix-cache hit rate',
      'Preemptions',
      'Batch size',
      'Per model',
      'Cost per million tokens',
      'Cost per hour',
    ]);
    expect(titles(byFile('llm-gpu.json'))).toEqual([
      'GPU utilization',
      'GPU memory used and total',
      'GPU memory used (share)',
      'Power',
      'Energy',
      'Temperature',
      'Energy per generated token',
      'Tokens per joule',
    ]);
    expect(titles(byFile('llm-http.json'))).toEqual([
      'Request rate',
      'Error ratio (5xx)',
      'Aborted streams',
      'Request duration',
      'Time to first byte',
      'Requests in flight',
      'Bytes per second',
      'Response size',
    ]);
    const overview = panelsOf(byFile('llm-overview.json'));
    const kv = overview.find((p) => p.title === 'KV-cache usage')!;
    expect(kv.type).toBe('gauge');
    expect(kv.fieldConfig?.defaults.thresholds?.steps.map((s) => s.value)).toEqual([
      null,
      0.7,
      0.9,
    ]);
    const prefix = overview.find((p) => p.title === 'Prefix-cache hit rate')!;
    expect(prefix.fieldConfig?.defaults.thresholds?.steps.map((s) => s.value)).toEqual([
      null,
      0.3,
      0.6,
    ]);
    const http = panelQueries(byFile('llm-http.json'));
    expect(http.find((q) => q.panel === 'Aborted streams')?.expr).toContain('outcome="aborted"');
  });

  it('leaves the cost row out without prices, and SLO rows of SLOs turned off', () => {
    const plain = byFile('llm-overview.json', resolveConfig());
    expect(rows(plain)).not.toContain('Cost');
    expect(titles(plain)).not.toContain('Cost per hour');
    expect(rows(byFile('llm-overview.json'))).toContain('Cost');

    const slo = byFile('llm-slo.json');
    expect(rows(slo)).toEqual([
      'SLO availability: 99 % of requests do not fail',
      'SLO e2e-latency: 95 % of requests end within 5 s',
      'SLO ttft: 99 % of requests get their first token within 0.5 s',
    ]);
    const burn = panelQueries(slo).filter((q) => q.panel === 'ttft: burn rate');
    expect(
      burn.map(
        (q) =>
          q.expr.match(/slo:(?:sli_error:ratio_rate(\w+)|current_burn_rate:ratio)/)?.[1] ?? '5m',
      ),
    ).toEqual(['5m', '1h', '6h', '1d', '3d']);

    const some = resolveConfig({ slos: { ttft: false } });
    expect(rows(byFile('llm-slo.json', some))).toHaveLength(2);
    expect(
      panelQueries(byFile('llm-slo.json', some)).some((q) => q.expr.includes('slo="ttft"')),
    ).toBe(false);
    const none = resolveConfig({ slos: { availability: false, e2eLatency: false, ttft: false } });
    expect(all(none).map((d) => d.file)).not.toContain('llm-slo.json');
  });

  it('is plain JSON that survives a round trip', () => {
    // The SDK tags queries with a type-guard function; JSON leaves it out and loses nothing else.
    const functions: string[] = [];
    const plain = (v: unknown, path: string): unknown => {
      if (Array.isArray(v)) return v.map((x, i) => plain(x, `${path}[${i}]`));
      if (v === null || typeof v !== 'object') return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v))
        if (typeof x === 'function') functions.push(k);
        else if (x !== undefined) out[k] = plain(x, `${path}.${k}`);
      return out;
    };
    for (const { dashboard } of all()) {
      const json = JSON.parse(JSON.stringify(dashboard)) as Dashboard;
      expect(json).toEqual(plain(dashboard, ''));
      expect(json.schemaVersion).toBeGreaterThanOrEqual(36);
      for (const p of json.panels ?? [])
        expect(['row', 'timeseries', 'stat', 'gauge', 'table']).toContain((p as Panel).type);
    }
    expect([...new Set(functions)]).toEqual(['_implementsDataqueryVariant']);
  });

  // promtool is Prometheus's own parser: every query goes into a rule file it must accept.
  const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
  // The queries with fallbacks and joins, evaluated by Prometheus's engine on series shaped as
  // the rules record them.
  it('computes error ratios, burn rates and cost as described (promtool test rules)', () => {
    expect(promtool, 'promtool is missing: run scripts/system-deps.sh').toBeDefined();
    const m = 'namespace="n", job="j", model_name="m", engine="e", vantage="v"';
    const quiet = 'namespace="n", job="j", model_name="q", engine="e", vantage="v"';
    const q = (file: string, panel: string, i: number) => {
      const d = byFile(file);
      const found = panelQueries(d).filter((x) => x.panel === panel)[i];
      if (!found) throw new Error(`no query ${i} on ${panel}`);
      return substitute(
        found.expr,
        variables(d).map((v) => v.name),
      );
    };
    const w = PRICED.rateWindow;
    const test = {
      rule_files: [],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: `model:llm_requests:rate${w}{${m}, finish_reason="stop"}`, values: '3x10' },
            {
              series: `model:llm_requests:rate${w}{${m}, finish_reason="error"}`,
              values: '1x10',
            },
            {
              series: `model:llm_request_errors:rate${w}{${m}, error_type="timeout"}`,
              values: '1x10',
            },
            {
              series: `model:llm_requests:rate${w}{${quiet}, finish_reason="stop"}`,
              values: '5x10',
            },
            {
              series: `model:llm_cost_usd:rate${w}{${m}, token_type="input"}`,
              values: '0.0005x10',
            },
            {
              series: `model:llm_cost_usd:rate${w}{${m}, token_type="output"}`,
              values: '0.0015x10',
            },
            { series: `model:llm_prompt_tokens:rate${w}{${m}}`, values: '150x10' },
            { series: `model:llm_generation_tokens:rate${w}{${m}}`, values: '50x10' },
            { series: `slo:sli_error:ratio_rate1h{slo="availability", ${m}}`, values: '0.02x10' },
            { series: 'slo:error_budget:ratio{slo="availability"}', values: '0.01x10' },
          ],
          promql_expr_test: [
            {
              expr: q('llm-overview.json', 'Error ratio by error type', 0),
              eval_time: '5m',
              exp_samples: [
                {
                  labels: '{model_name="m", engine="e", vantage="v", error_type="timeout"}',
                  value: 0.25,
                },
                {
                  labels: '{model_name="q", engine="e", vantage="v", error_type="none"}',
                  value: 0,
                },
              ],
            },
            {
              expr: q('llm-overview.json', 'Error ratio by error type', 1),
              eval_time: '5m',
              exp_samples: [
                { labels: '{model_name="m", engine="e", vantage="v"}', value: 0.25 },
                { labels: '{model_name="q", engine="e", vantage="v"}', value: 0 },
              ],
            },
            {
              expr: q('llm-overview.json', 'Cost per million tokens', 0),
              eval_time: '5m',
              exp_samples: [{ labels: '{model_name="m", engine="e", vantage="v"}', value: 10 }],
            },
            {
              expr: q('llm-overview.json', 'Cost per hour', 0),
              eval_time: '5m',
              exp_samples: [{ labels: '{model_name="m", engine="e", vantage="v"}', value: 7.2 }],
            },
            {
              expr: q('llm-slo.json', 'availability: burn rate', 1),
              eval_time: '5m',
              exp_samples: [{ labels: `{slo="availability", ${m}}`, value: 2 }],
            },
          ],
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'inferlens-dashboards-'));
    try {
      const file = join(dir, 'queries.test.yml');
      writeFileSync(file, stringify(test));
      const r = spawnSync(promtool!, ['test', 'rules', file], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toContain('SUCCESS');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every query and variable selector parses as PromQL (promtool check rules)', () => {
    expect(promtool, 'promtool is missing: run scripts/system-deps.sh').toBeDefined();
    const rules: { record: string; expr: string }[] = [];
    for (const [n, c] of [
      PRICED,
      resolveConfig({ aggregateBy: ['job', 'model_name', 'engine'] }),
    ].entries())
      for (const { file, dashboard } of dashboards(c)) {
        const names = variables(dashboard).map((v) => v.name);
        const exprs = [
          ...panelQueries(dashboard).map((q) => q.expr),
          ...variables(dashboard)
            .slice(1)
            .map((v) => v.query.replace(/^label_values\((.*), [a-z_]+\)$/, '$1')),
        ];
        exprs.forEach((e, i) => {
          rules.push({
            record: `dashboard:c${n}_${file.replace(/\W/g, '_')}:q${i}`,
            expr: substitute(e, names),
          });
        });
      }
    const dir = mkdtempSync(join(tmpdir(), 'inferlens-dashboards-'));
    try {
      const file = join(dir, 'queries.rules.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
      const r = spawnSync(promtool!, ['check', 'rules', file], { encoding: 'utf8' });
      expect(r.stdout + r.stderr, 'promtool check rules').toContain(
        `SUCCESS: ${rules.length} rules found`,
      );
      expect(r.status).toBe(0);
      // And a broken query does fail, so the check above is real.
      writeFileSync(
        file,
        stringify({
          groups: [{ name: 'x', rules: [{ record: 'x:y', expr: 'sum by (le (x)' }] }],
        }),
      );
      expect(() => execFileSync(promtool!, ['check', 'rules', file], { stdio: 'pipe' })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
