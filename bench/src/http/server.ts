/**
 * The HTTP suite's servers, in a process of their own so the load generator does not share their
 * event loop: `tsx server.ts <framework> <variant>,<variant>…` listens on 127.0.0.1, one server
 * per variant (the apps of apps.ts) on an ephemeral port each, and prints `{"ports":{…}}` by
 * variant.
 */

import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { benchApp, type Framework, type Variant } from './apps.js';

// One variant per process for the suite; several (comma-separated) for `pnpm paired`, which
// compares them inside one process.
const [framework, list] = process.argv.slice(2) as [Framework, string];
const ports: Partial<Record<Variant, number>> = {};
for (const variant of list.split(',') as Variant[]) {
  const server = await (await benchApp(framework, variant)).listen();
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  ports[variant] = (server.address() as AddressInfo).port;
}
process.stdout.write(`${JSON.stringify({ port: Object.values(ports)[0], ports })}\n`);
// The suite asks for this process's CPU time around each run (CPU per request moves far less than
// requests per second when other work shares the machine), and for a CPU profile of one run.
const inspector = new Session();
inspector.connect();
process.on('message', async (m: { cmd: 'cpu' | 'profile-start' | 'profile-stop' }) => {
  if (m.cmd === 'profile-start') {
    await inspector.post('Profiler.setSamplingInterval', { interval: 250 });
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  } else if (m.cmd === 'profile-stop') {
    const { profile } = await inspector.post('Profiler.stop');
    process.send?.({ profile });
    return;
  }
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system });
});
// Exit cleanly when the suite is done.
process.once('SIGTERM', () => process.exit(0));
