import { readFixture } from '@inferlens/testkit';
import { describe, expect, it } from 'vitest';
import { type MetricFamily, parse } from '../src/index.js';

const byName = (families: MetricFamily[], name: string): MetricFamily => {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`no family ${name}`);
  return f;
};

describe('parse: the text format 0.0.4', () => {
  it('reads HELP, TYPE, labels and values, and groups histogram samples with their labels', () => {
    const r = parse(
      [
        '# HELP http_requests_total The total. Second \\\\ line\\nhere',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027 1395066363000',
        'http_requests_total{method="post",code="400"}    3 1395066363000',
        '',
        '# TYPE lat histogram',
        'lat_bucket{method="prefill",le="0.1"} 1',
        'lat_bucket{method="prefill",le="+Inf"} 2',
        'lat_sum{method="prefill"} 0.3',
        'lat_count{method="prefill"} 2',
      ].join('\n'),
    );
    expect(r.errors).toEqual([]);
    expect(r.eof).toBe(false);
    const c = byName(r.families, 'http_requests_total');
    expect(c.type).toBe('counter');
    expect(c.help).toBe('The total. Second \\ line\nhere');
    expect(c.samples.map((s) => [s.labels.code, s.value, s.timestamp])).toEqual([
      ['200', 1027, 1395066363000],
      ['400', 3, 1395066363000],
    ]);
    const h = byName(r.families, 'lat');
    expect(h.samples.map((s) => s.name)).toEqual([
      'lat_bucket',
      'lat_bucket',
      'lat_sum',
      'lat_count',
    ]);
    // The labels parse-prometheus-text-format drops on histograms are all there.
    expect(h.samples.every((s) => s.labels.method === 'prefill')).toBe(true);
    expect(h.samples[1]!.labels.le).toBe('+Inf');
  });

  it('unescapes label values and keeps unknown escapes as written', () => {
    const [s] = parse('m{a="x\\"y\\\\z\\nw",b="c:\\\\d",c="\\t"} 1\n').families[0]!.samples;
    expect(s!.labels).toEqual({ a: 'x"y\\z\nw', b: 'c:\\d', c: '\\t' });
  });

  it('reads NaN, ±Inf in every case Go accepts, exponents and trailing commas', () => {
    const text = [
      'a NaN',
      'b +Inf',
      'c -Inf',
      'd inf',
      'e -infinity',
      'f 1.5e-3',
      'g{x="1",} 7',
      'h nan',
    ].join('\n');
    const v = parse(text).families.map((f) => f.samples[0]!.value);
    expect(v[0]).toBeNaN();
    expect(v.slice(1, 7)).toEqual([Infinity, -Infinity, Infinity, -Infinity, 0.0015, 7]);
    expect(v[7]).toBeNaN();
  });

  it('keeps float noise in `le` as written, and the value parses to the same double', () => {
    const r = parse(
      'x_bucket{le="0.00015000000000000001"} 0\nx_bucket{le="15.330000000000002"} 1\n',
    );
    const les = r.families[0]!.samples.map((s) => s.labels.le!);
    expect(les).toEqual(['0.00015000000000000001', '15.330000000000002']);
    expect(Number(les[0])).toBe(0.0001 * 1.5);
    expect(Number(les[1])).toBe(5.11 * 3);
  });

  it('accepts families without HELP or TYPE, and samples that appear before their metadata', () => {
    const r = parse('no_meta 1\n# TYPE late gauge\nlate 2\nuntyped_total{a="b"} 3\n');
    expect(r.errors).toEqual([]);
    expect(r.families.map((f) => [f.name, f.type, f.help])).toEqual([
      ['no_meta', 'unknown', undefined],
      ['late', 'gauge', undefined],
      ['untyped_total', 'unknown', undefined],
    ]);
  });

  it('keeps vLLM colon names and prometheus_client _created series apart from the counter', () => {
    const r = parse(
      [
        '# TYPE vllm:prompt_tokens_total counter',
        'vllm:prompt_tokens_total{engine="0",model_name="m"} 12.0',
        '# TYPE vllm:prompt_tokens_created gauge',
        'vllm:prompt_tokens_created{engine="0",model_name="m"} 1.7e9',
      ].join('\n'),
    );
    expect(r.families.map((f) => [f.name, f.type, f.samples[0]!.value])).toEqual([
      ['vllm:prompt_tokens_total', 'counter', 12],
      ['vllm:prompt_tokens_created', 'gauge', 1.7e9],
    ]);
  });

  it('accepts CRLF line ends, tabs between tokens, comments and the UTF-8 quoted-name syntax', () => {
    const r = parse('# a comment\r\n\tm\t{a="1"}\t2\r\n{"my.metric", "label.x"="y"} 3\r\n');
    expect(r.errors).toEqual([]);
    expect(r.families.map((f) => [f.name, f.samples[0]!.value])).toEqual([
      ['m', 2],
      ['my.metric', 3],
    ]);
    expect(r.families[1]!.samples[0]!.labels['label.x']).toBe('y');
  });

  it('never pollutes Object.prototype through a label named __proto__', () => {
    const [s] = parse('m{__proto__="x",constructor="y"} 1\n').families[0]!.samples;
    expect(Object.keys(s!.labels)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(s!.labels, '__proto__')?.value).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('skips malformed lines, reports each with its line number, and goes on', () => {
    const r = parse(
      [
        'good 1',
        'bad{a="unterminated} 1',
        'bad2 notanumber',
        'bad3{a=b} 1',
        'bad4 1 2 3',
        '# TYPE x nosuchtype',
        'good2 2',
      ].join('\n'),
    );
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6]);
    expect(r.errorCount).toBe(5);
    expect(r.families.map((f) => f.name)).toEqual(['good', 'x', 'good2']);
  });

  it('bounds the kept errors but still counts them all', () => {
    const r = parse('?\n'.repeat(500), { maxErrors: 3 });
    expect(r.errors).toHaveLength(3);
    expect(r.errorCount).toBe(500);
  });
});

describe('parse: OpenMetrics 1.0', () => {
  const om = [
    '# TYPE foo counter',
    '# UNIT foo seconds',
    '# HELP foo A \\"quoted\\" help.',
    'foo_total{a="b"} 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67 1520879602.1',
    'foo_created{a="b"} 1520430000.123',
    '# TYPE req histogram',
    'req_bucket{le="0.01"} 0 # {trace_id="abc"} 0.005',
    'req_bucket{le="+Inf"} 2',
    'req_count 2',
    'req_sum 1.5',
    '# EOF',
    '',
  ].join('\n');

  it('reads units, exemplars, float timestamps and _created into the right family', () => {
    const r = parse(om);
    expect(r.errors).toEqual([]);
    expect(r.eof).toBe(true);
    const foo = byName(r.families, 'foo');
    expect([foo.type, foo.unit, foo.help]).toEqual(['counter', 'seconds', 'A "quoted" help.']);
    expect(foo.samples.map((s) => s.name)).toEqual(['foo_total', 'foo_created']);
    expect(foo.samples[0]).toMatchObject({
      value: 17,
      timestamp: 1520879607.789,
      exemplar: { labels: { trace_id: 'KOO5S4vxi0o' }, value: 0.67, timestamp: 1520879602.1 },
    });
    const req = byName(r.families, 'req');
    expect(req.samples[0]!.exemplar).toEqual({
      labels: { trace_id: 'abc' },
      value: 0.005,
      timestamp: undefined,
    });
  });

  it('reports anything after # EOF', () => {
    const r = parse(`${om}late 1\n`);
    expect(r.errors).toEqual([{ line: 12, message: 'content after # EOF' }]);
  });
});

describe('parse: real scrapes (test/fixtures)', () => {
  const tgi = readFixture(import.meta.url, 'tgi-metrics-sample.txt');
  const vllm = readFixture(import.meta.url, 'vllm-metrics-sample.txt');

  it('reads the real TGI capture without an error', () => {
    const r = parse(tgi);
    expect(r.errors).toEqual([]);
    const names = r.families.map((f) => `${f.name}:${f.type}`);
    expect(names).toContain('tgi_request_skipped_tokens:summary');
    expect(names).toContain('tgi_request_success:counter');
    // Two families in the capture have no HELP line.
    expect(byName(r.families, 'tgi_batch_concat').help).toBeUndefined();
    expect(byName(r.families, 'tgi_request_failure').help).toBeUndefined();
    const fwd = byName(r.families, 'tgi_batch_forward_duration');
    const prefill = fwd.samples.filter((s) => s.labels.method === 'prefill');
    expect(prefill.at(-1)).toMatchObject({ name: 'tgi_batch_forward_duration_count', value: 16 });
    expect(prefill.filter((s) => s.name.endsWith('_bucket'))).toHaveLength(36);
  });

  it('reads the vLLM doc sample and reports exactly its `...` elisions', () => {
    const r = parse(vllm);
    const lines = vllm.split('\n');
    const elided = lines.flatMap((l, i) => (l === '...' ? [i + 1] : []));
    expect(elided.length).toBeGreaterThan(0);
    expect(r.errors.map((e) => e.line)).toEqual(elided);
    const ttft = byName(r.families, 'vllm:time_to_first_token_seconds');
    expect(ttft.samples.at(-1)).toMatchObject({
      name: 'vllm:time_to_first_token_seconds_count',
      value: 140,
    });
    expect(ttft.samples[0]!.labels).toEqual({
      le: '0.001',
      model_name: 'meta-llama/Llama-3.1-8B-Instruct',
    });
  });
});
