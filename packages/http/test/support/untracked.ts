import { channel } from 'node:diagnostics_channel';
import {
  createServer,
  IncomingMessage,
  type Server,
  type ServerResponse,
  ServerResponse as ServerResponseClass,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLens } from '@inferlens/core';
import { expect, it } from 'vitest';
import type { StartServer } from './conformance.js';
import { seriesOf, total } from './store.js';

/** What a request and response object show of themselves: own keys and listeners per event. */
interface Shape {
  resKeys: string[];
  reqKeys: string[];
  resListeners: Record<string, number>;
  resMethods: Record<string, boolean>;
}

function shapeOf(req: IncomingMessage, res: ServerResponse): Shape {
  const keys = (o: object) =>
    Reflect.ownKeys(o)
      .map(String)
      .filter((k) => !k.startsWith('Symbol(kHeaders'))
      .sort();
  const resListeners: Record<string, number> = {};
  for (const event of res.eventNames()) resListeners[String(event)] = res.listenerCount(event);
  const resMethods: Record<string, boolean> = {};
  for (const m of ['write', 'end', 'emit', 'writeHead'] as const)
    resMethods[m] = res[m] === ServerResponseClass.prototype[m];
  return { resKeys: keys(res), reqKeys: keys(req), resListeners, resMethods };
}

/** Property descriptors of Node's own request and response prototypes, to compare. */
function prototypes(): Map<PropertyKey, PropertyDescriptor | undefined> {
  const out = new Map<PropertyKey, PropertyDescriptor | undefined>();
  for (const proto of [ServerResponseClass.prototype, IncomingMessage.prototype])
    for (const key of Reflect.ownKeys(proto))
      out.set(
        `${proto.constructor.name}.${String(key)}`,
        Object.getOwnPropertyDescriptor(proto, key),
      );
  return out;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Issue #16: a plain `http.createServer` in the same process as a tracked app pays nothing.
 * Its request and response objects look exactly as they do in a process where inferlens never
 * ran (same own keys, same listeners, Node's own methods), Node's prototypes are untouched, no
 * diagnostics channel of the HTTP server has a subscriber, and the tracked app still records.
 */
export function itLeavesUntrackedServersAlone(start: StartServer): void {
  it('leaves an untracked http server in the same process untouched, and still records its own', async () => {
    const shapes: Shape[] = [];
    const plain = createServer((req, res) => {
      if (req.method === 'POST') req.resume();
      res.write('a');
      // The shape when the response is under way: after end() Node itself removes things.
      shapes.push(shapeOf(req, res));
      res.end('b');
    });
    const plainUrl = await listen(plain);
    const get = async (url: string, init?: RequestInit) => (await fetch(url, init)).text();
    const protoBefore = prototypes();
    expect(await get(`${plainUrl}/x`)).toBe('ab');
    expect(await get(`${plainUrl}/x`, { method: 'POST', body: 'body' })).toBe('ab');

    const lens = createLens({ engine: 'untracked-test' });
    const tracked = await start(lens);
    try {
      expect(await get(`${tracked.url}/hello`)).toBe('hello');
      expect(await get(`${plainUrl}/x`)).toBe('ab');
      expect(await get(`${plainUrl}/x`, { method: 'POST', body: 'body' })).toBe('ab');
      expect(await get(`${tracked.url}/echo`, { method: 'POST', body: 'twelve bytes' })).toBe('12');
      expect(await get(`${plainUrl}/x`)).toBe('ab');

      // Before and after the tracked app ran: the same shape, GET and POST alike.
      expect(shapes).toHaveLength(5);
      expect(shapes[2]).toEqual(shapes[0]);
      expect(shapes[4]).toEqual(shapes[0]);
      expect(shapes[3]).toEqual(shapes[1]);
      expect(shapes[0]!.resMethods).toEqual({
        write: true,
        end: true,
        emit: true,
        writeHead: true,
      });
      expect(prototypes()).toEqual(protoBefore);
      for (const name of ['http.server.request.start', 'http.server.response.finish'])
        expect(channel(name).hasSubscribers, name).toBe(false);

      // The tracked app recorded its two requests, and only those.
      await expect.poll(() => total(lens, 'httpRequests')).toBe(2);
      expect(
        seriesOf(lens, 'httpRequests')
          .map((s) => s.labels.route)
          .sort(),
      ).toEqual(['/echo', '/hello']);
    } finally {
      await tracked.close();
      plain.closeAllConnections();
      plain.close();
    }
  });
}
