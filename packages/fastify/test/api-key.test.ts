import { describe } from 'vitest';
import { itChecksAnApiKey } from '../../http/test/support/api-key.js';
import { serverHandle } from '../../http/test/support/server.js';
import { buildApp } from './app.js';

describe('Fastify with header auth', () =>
  itChecksAnApiKey(async (lens) => {
    const app = await buildApp({ lens, auth: { header: 'x-api-key', keys: ['k-1'] } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const handle = await serverHandle(app.server, []);
    return { ...handle, close: () => handle.close().then(() => app.close()) };
  }));
