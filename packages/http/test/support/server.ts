import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestServer } from './conformance.js';

/** A started Node server as a conformance `TestServer`; closing also drops open connections. */
export async function serverHandle(server: Server, errors: unknown[]): Promise<TestServer> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
