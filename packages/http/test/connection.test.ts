import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { createLens } from '@inferlens/core';
import { afterEach, describe, expect, it } from 'vitest';
import { followNodeResponse, HttpRecorder } from '../src/internal.js';
import { histogram, seriesOf } from './support/store.js';

/** HTTP/1 requests are followed through their connection: one close listener per socket. */
let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ recorder: HttpRecorder<null>; port: number; sockets: Socket[] }> {
  const recorder = new HttpRecorder<null>(
    '@inferlens/test',
    { lens: createLens({ engine: 'e' }) },
    () => '/t',
  );
  const sockets: Socket[] = [];
  server = createServer((req, res) => {
    followNodeResponse(recorder.begin(req.method, req.url, null)!, req, res, req.method!);
    handler(req, res);
  });
  server.on('connection', (s) => sockets.push(s));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { recorder, port: (server.address() as AddressInfo).port, sockets };
}

const inFlight = (recorder: HttpRecorder<null>) =>
  recorder.lens.store.family('httpRequestsInFlight').series(['GET']).value;

/** What the connection still holds: the responses on its list. */
function openOn(socket: Socket): unknown[] {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'inferlens.open');
  return key === undefined ? [] : ((socket as unknown as Record<symbol, unknown[]>)[key] ?? []);
}

/** Writes raw request text on one connection and resolves with all it got back when it closes. */
function raw(port: number, text: string, closeAfter?: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => {
      got += d;
      if (closeAfter !== undefined && got.split('HTTP/1.1 ').length - 1 >= closeAfter)
        socket.destroy();
    });
    socket.on('close', () => resolve(got));
    socket.on('error', () => {});
    socket.write(text);
  });
}

const get = (path: string, last = false) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;

describe('requests followed through their HTTP/1 connection', () => {
  it('ends every request of a keep-alive connection, and the connection keeps none of them', async () => {
    const { recorder, port, sockets } = await serve((_req, res) => res.end('ok'));
    const client = connect(port, '127.0.0.1');
    const held: number[] = [];
    for (let i = 0; i < 20; i++) {
      const answer = new Promise<void>((resolve) => client.once('data', () => resolve()));
      client.write(get(`/${i}`));
      await answer;
      held.push(openOn(sockets[0]!).length);
    }
    // Pipelined: the ones that waited their turn leave the list when they end.
    const burst = await raw(
      port,
      Array.from({ length: 20 }, (_, i) => get(`/${i}`, i === 19)).join(''),
    );
    client.destroy();
    expect(burst.split('HTTP/1.1 200').length - 1).toBe(20);
    expect(held).toEqual(Array(20).fill(0));
    expect(sockets).toHaveLength(2);
    await expect.poll(() => inFlight(recorder)).toBe(0);
    expect(seriesOf(recorder.lens, 'httpRequests')).toMatchObject([
      { labels: { status: '200', outcome: 'completed' }, value: 40 },
    ]);
  });

  it('lists no pipelined response once it has ended, while the connection stays open', async () => {
    // A response that waited behind others has no socket when it ends; it must leave the list
    // then, not at the next request: left there, it keeps its whole request alive.
    const { recorder, port, sockets } = await serve((_req, res) => res.end('ok'));
    const client = connect(port, '127.0.0.1');
    let got = '';
    const all = new Promise<void>((resolve) =>
      client.on('data', (d) => {
        got += d;
        if (got.split('HTTP/1.1 200').length - 1 === 20) resolve();
      }),
    );
    client.write(Array.from({ length: 20 }, (_, i) => get(`/${i}`)).join(''));
    await all;
    await expect.poll(() => inFlight(recorder)).toBe(0);
    expect(openOn(sockets[0]!)).toEqual([]);
    client.destroy();
  });

  it('ends the requests still open when the client closes the connection, as aborts', async () => {
    const { recorder, port } = await serve((req, res) => {
      if (req.url === '/slow')
        res.write('partial'); // never ended
      else res.end('ok');
    });
    // Two answered, then one that never ends, and one queued behind it: the client leaves.
    await raw(port, get('/a') + get('/b') + get('/slow') + get('/queued'), 3);
    await expect.poll(() => inFlight(recorder)).toBe(0);
    const rows = seriesOf(recorder.lens, 'httpRequests').map((s) => [s.labels.outcome, s.value]);
    expect(rows).toEqual([
      ['completed', 3],
      ['aborted', 1],
    ]);
  });

  it('ends a body the socket could not take at once when it has been sent', async () => {
    const body = Buffer.alloc(32 * 1024 * 1024, 'x');
    const { recorder, port } = await serve((_req, res) => res.end(body));
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let n = 0;
      socket.pause(); // read nothing for 300 ms: the body waits in the server's buffers
      setTimeout(() => socket.resume(), 300);
      socket.on('data', (d) => {
        n += d.length;
        if (n >= body.length) socket.end();
      });
      socket.on('close', () => resolve());
      socket.write(get('/big', true));
    });
    await expect.poll(() => inFlight(recorder)).toBe(0);
    const duration = histogram(recorder.lens, 'httpRequestDuration');
    expect(duration.count).toBe(1);
    expect(duration.sum).toBeGreaterThanOrEqual(0.25);
    expect(duration.sum).toBeLessThanOrEqual((performance.now() - started) / 1000);
    expect(histogram(recorder.lens, 'httpResponseSize').sum).toBe(body.length);
    expect(seriesOf(recorder.lens, 'httpRequests')[0]).toMatchObject({
      labels: { outcome: 'completed' },
    });
  });

  it('lets two recorders follow the same request, each ending once with the bytes once', async () => {
    const second = new HttpRecorder<null>(
      '@inferlens/test',
      { lens: createLens({ engine: 'e' }) },
      () => '/t',
    );
    const { recorder, port } = await serve((req, res) => {
      followNodeResponse(second.begin(req.method, req.url, null)!, req, res, req.method!);
      if (req.url === '/cut')
        res.write('partial'); // never ended: the client goes away
      else res.end('hello');
    });
    await raw(port, get('/a') + get('/b', true));
    await raw(port, get('/cut'), 1);
    for (const r of [recorder, second]) {
      await expect.poll(() => inFlight(r)).toBe(0);
      const rows = seriesOf(r.lens, 'httpRequests').map((s) => [s.labels.outcome, s.value]);
      expect(rows).toEqual([
        ['completed', 2],
        ['aborted', 1],
      ]);
      expect(histogram(r.lens, 'httpResponseSize').sum).toBe(2 * 5 + 7);
    }
  });
});
