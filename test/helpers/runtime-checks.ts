import { expect } from 'vitest';
import { parseSamples, type Sample, total } from './exposition.js';
import { type OtlpExport, type OtlpReceiver, pointsOf } from './otlp-receiver.js';
import { MODEL, PROMPT_TOKENS } from './runtime-sim.js';

/**
 * What test/helpers/runtime-app.ts must record on any runtime, asked over real HTTP: a full SSE
 * stream and one the client leaves mid-way, as the middleware (HTTP rows) and `instrument()` (LLM
 * rows) saw them on `/metrics`; then the same lens pushed over OTLP/HTTP in protobuf and JSON.
 */

const ROUTE = '/v1/completions';

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseSamples(await res.text());
}

export async function checkStreamsAndAbort(url: string, runtime: string): Promise<void> {
  const hello = await fetch(`${url}/hello`);
  expect(await hello.text()).toBe(`hello from ${runtime}`);

  // 5 events 100 ms apart: headers at once, the body ends ≥ 400 ms later.
  const started = performance.now();
  const full = await fetch(`${url}${ROUTE}?n=5&ms=100`);
  expect(full.headers.get('content-type')).toBe('text/event-stream');
  expect((await full.text()).match(/^data: /gm)).toHaveLength(5);
  const streamSeconds = (performance.now() - started) / 1000;

  // A client that reads the first event, waits 150 ms and leaves.
  const abort = new AbortController();
  const aborted = await fetch(`${url}${ROUTE}?n=1000&ms=50`, { signal: abort.signal });
  const first = await aborted.body!.getReader().read();
  expect(new TextDecoder().decode(first.value)).toMatch(/^data: 0\n\n/);
  await new Promise((resolve) => setTimeout(resolve, 150));
  abort.abort();

  let samples: Sample[] = [];
  await expect
    .poll(
      async () => {
        samples = await scrape(url);
        return total(samples, 'http_requests_total', { route: ROUTE, outcome: 'aborted' });
      },
      { timeout: 10_000, interval: 100 },
    )
    .toBe(1);

  // HTTP rows, from the response body itself.
  const http = (where: Record<string, string>) => total(samples, 'http_requests_total', where);
  expect(http({ route: '/hello', status: '200', outcome: 'completed' })).toBe(1);
  expect(http({ route: ROUTE, status: '200', outcome: 'completed' })).toBe(1);
  expect(http({})).toBe(3); // /metrics itself is never recorded
  const duration = 'http_request_duration_seconds_sum';
  const sse = total(samples, duration, { route: ROUTE, outcome: 'completed' });
  expect(sse).toBeGreaterThanOrEqual(0.38); // the end of the body, not the handler's return
  expect(sse).toBeLessThanOrEqual(streamSeconds + 0.05);
  const abortedSeconds = total(samples, duration, { route: ROUTE, outcome: 'aborted' });
  expect(abortedSeconds).toBeGreaterThanOrEqual(0.14);
  expect(abortedSeconds).toBeLessThan(5);
  expect(total(samples, 'http_time_to_first_byte_seconds_count', { route: ROUTE })).toBe(2);
  expect(total(samples, 'http_time_to_first_byte_seconds_sum', { route: ROUTE })).toBeLessThan(
    sse / 2,
  );
  // Bytes really written: five events of 9 bytes ("data: i\n\n") and at least the first of the other.
  expect(
    total(samples, 'http_response_size_bytes_sum', { route: ROUTE, status: '200' }),
  ).toBeGreaterThanOrEqual(54);
  expect(total(samples, 'http_requests_in_flight')).toBe(0);

  // LLM rows, from instrument() on the simulated engine.
  const llm = { model_name: MODEL, engine: runtime };
  const requests = (finish_reason: string) =>
    total(samples, 'llm_requests_total', { ...llm, finish_reason });
  expect(requests('stop')).toBe(1);
  expect(requests('abort')).toBe(1);
  expect(total(samples, 'llm_time_to_first_token_seconds_count', llm)).toBe(2);
  const e2e = total(samples, 'llm_e2e_request_latency_seconds_sum', llm);
  expect(total(samples, 'llm_e2e_request_latency_seconds_count', llm)).toBe(1);
  expect(e2e).toBeGreaterThanOrEqual(0.38);
  expect(e2e).toBeLessThanOrEqual(sse + 0.05);
  // Both prompts count, the aborted one too (as vLLM does); outputs: 5 + the aborted stream's.
  expect(total(samples, 'llm_prompt_tokens_total', llm)).toBe(2 * PROMPT_TOKENS);
  expect(total(samples, 'llm_generation_tokens_total', llm)).toBeGreaterThanOrEqual(6);
  expect(total(samples, 'llm_requests_running', llm)).toBe(0);
  expect(total(samples, 'inferlens_events_dropped_total')).toBe(0); // no event out of order

  // The dashboard page is served on this runtime too.
  const page = await fetch(`${url}/dashboard`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('"metricsUrl":"./metrics"');
}

/** Pushes once (POST /otlp/flush), then checks the protobuf and the JSON export carry the same figures. */
export async function checkOtlpPush(url: string, receiver: OtlpReceiver, runtime: string) {
  const before = receiver.exports.length;
  const res = await fetch(`${url}/otlp/flush`, { method: 'POST' });
  expect(res.status, await res.text()).toBe(204);
  const got = receiver.exports.slice(before);
  const proto = got.find((e) => e.contentType.startsWith('application/x-protobuf'));
  const json = got.find((e) => e.contentType.startsWith('application/json'));
  expect(proto, 'a protobuf export').toBeDefined();
  expect(json, 'a JSON export').toBeDefined();
  for (const exp of [proto!, json!]) checkExport(exp, runtime);
  const figures = (e: OtlpExport) =>
    e.points
      .filter((p) => p.metric !== 'http.server.active_requests') // the flush itself is in flight
      .map((p) => JSON.stringify(p))
      .sort();
  expect(figures(proto!)).toEqual(figures(json!));
  return { protoBytes: proto!.bytes, jsonBytes: json!.bytes };
}

function checkExport(exp: OtlpExport, runtime: string): void {
  const llm = { 'gen_ai.request.model': MODEL, 'gen_ai.provider.name': runtime };
  const one = (metric: string, where: Record<string, string | number> = {}) => {
    const points = pointsOf(exp, metric, { ...llm, ...where });
    expect(points, `${metric} ${JSON.stringify(where)} in ${exp.contentType}`).toHaveLength(1);
    return points[0]!;
  };
  expect(one('llm.requests', { 'llm.response.finish_reason': 'stop' }).value).toBe(1);
  expect(one('llm.requests', { 'llm.response.finish_reason': 'abort' }).value).toBe(1);
  expect(one('gen_ai.server.time_to_first_token').count).toBe(2);
  const e2e = one('gen_ai.server.request.duration');
  expect(e2e.count).toBe(1);
  expect(e2e.sum).toBeGreaterThanOrEqual(0.38);
  expect(one('gen_ai.client.token.usage', { 'gen_ai.token.type': 'input' }).sum).toBe(
    2 * PROMPT_TOKENS,
  );

  const http = (outcome: string) => {
    const where = { 'http.route': ROUTE, 'inferlens.http.outcome': outcome };
    const points = pointsOf(exp, 'http.server.request.duration', where);
    expect(points, `http.server.request.duration ${outcome}`).toHaveLength(1);
    return points[0]!;
  };
  expect(http('completed').count).toBe(1);
  expect(http('completed').sum).toBeGreaterThanOrEqual(0.38);
  expect(http('aborted').count).toBe(1);
  expect(http('aborted').sum).toBeGreaterThanOrEqual(0.14);
}
