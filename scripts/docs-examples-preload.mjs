// Loaded before each documentation example (scripts/docs-examples.mjs). When the example starts
// an HTTP server, it listens on a free port instead of the one written in the docs (examples run
// side by side), GET /metrics is sent to it once it listens, and the process gets SIGTERM: the
// example must then exit by itself, as it would under a process manager.
import { request } from 'node:http';
import net from 'node:net';

const servers = [];
/** The port an example named → the one it got, so its own requests to itself still arrive. */
const moved = new Map();
let scheduled = false;

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  let asked;
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    asked = Number(args[0]);
    args[0] = 0;
  } else if (args[0] && typeof args[0] === 'object' && 'port' in args[0]) {
    asked = Number(args[0].port);
    args[0] = { ...args[0], port: 0 };
  }
  this.once('listening', () => {
    const address = this.address();
    if (address && typeof address === 'object') {
      servers.push(address.port);
      if (asked) moved.set(String(asked), String(address.port));
    }
    if (!scheduled) {
      scheduled = true;
      // Give a second server of the same example (a separate metrics port) time to listen too.
      setTimeout(probe, 300).unref();
    }
  });
  return listen.apply(this, args);
};

const LOCAL = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);
const fetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (LOCAL.has(url.hostname) && moved.has(url.port)) {
    url.port = moved.get(url.port);
    input = typeof input === 'string' || input instanceof URL ? url : new Request(url, input);
  }
  return fetch(input, init);
};

function get(port) {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/metrics',
        headers: {
          connection: 'close',
          // Examples that guard /metrics read their bearer token from METRICS_TOKEN.
          // biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the runner for the examples
          authorization: `Bearer ${process.env.METRICS_TOKEN ?? ''}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function probe() {
  let status = 0;
  for (const port of servers) {
    status = await get(port);
    if (status === 200) break;
  }
  const handler = process.listenerCount('SIGTERM') > 0 ? 'yes' : 'no';
  process.stderr.write(`\ndocs-example: served /metrics ${status} handler=${handler}\n`);
  process.kill(process.pid, 'SIGTERM');
}
