import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchText } from '../src/internal.js';

/** A server that answers by path, remembering the headers of every request it got. */
function serve(
  routes: Record<string, (url: string) => { status: number; location?: string; body?: string }>,
) {
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const answer = routes[req.url ?? '']?.(req.url ?? '') ?? { status: 404 };
    res.writeHead(answer.status, answer.location ? { location: answer.location } : {});
    res.end(answer.body ?? '');
  });
  return { server, seen };
}
const listen = (s: Server): Promise<string> =>
  new Promise((done) =>
    s.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
  );

const limits = {
  timeoutMs: 2000,
  maxBytes: 1 << 20,
  headers: { authorization: 'Bearer secret', 'x-api-key': 'k' },
};

describe('redirects keep the configured headers with the target (#11)', () => {
  const other = serve({ '/metrics': () => ({ status: 200, body: 'other_up 1\n' }) });
  let otherUrl = '';
  let target: ReturnType<typeof serve>;
  let targetUrl = '';
  beforeAll(async () => {
    otherUrl = await listen(other.server);
    target = serve({
      '/away': () => ({ status: 302, location: `${otherUrl}/metrics` }),
      '/moved': () => ({ status: 301, location: '/metrics' }),
      '/metrics': () => ({ status: 200, body: 'up 1\n' }),
      '/loop': () => ({ status: 307, location: '/loop' }),
    });
    targetUrl = await listen(target.server);
  });
  afterAll(() => {
    other.server.close();
    target.server.close();
  });

  it('does not follow a redirect to another origin: its own error, and the other origin gets nothing', async () => {
    const res = await fetchText(`${targetUrl}/away`, limits);
    expect(res).toMatchObject({ ok: false, reason: 'cross_origin_redirect' });
    expect(other.seen).toEqual([]);
  });

  it('follows a same-origin redirect, with the headers', async () => {
    const res = await fetchText(`${targetUrl}/moved`, limits);
    expect(res).toMatchObject({ ok: true, text: 'up 1\n' });
    const last = target.seen.at(-1)!;
    expect(last.path).toBe('/metrics');
    expect(last.headers.authorization).toBe('Bearer secret');
    expect(other.seen).toEqual([]);
  });

  it('stops a redirect loop', async () => {
    const res = await fetchText(`${targetUrl}/loop`, limits);
    expect(res).toMatchObject({
      ok: false,
      reason: 'http_error',
      message: 'more than 5 redirects',
    });
  });
});
